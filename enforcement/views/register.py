"""Uploading the commerce authorities' scrapped-vehicle certificate register."""

urlpatterns: list = []
