app_name = "batteries"

urlpatterns: list = []
