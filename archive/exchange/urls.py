from django.urls import path

from archive.exchange import views

app_name = "exchange"

urlpatterns = [
    path("w/<slug:slug>/annotations.jsonld", views.annotations_jsonld, name="annotations-jsonld"),
    path("w/<slug:slug>/annotations.csv", views.annotations_csv, name="annotations-csv"),
]
