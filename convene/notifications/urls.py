from django.urls import path  # noqa: F401  (the pages come with the rest of issue 15)

app_name = "notifications"

urlpatterns: list = []
