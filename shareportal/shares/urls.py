from django.urls import path

app_name = "shares"
urlpatterns: list = []
