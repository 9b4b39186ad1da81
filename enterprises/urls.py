
app_name = "enterprises"

urlpatterns: list = []
