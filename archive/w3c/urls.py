from django.urls import path

from archive.w3c import views

app_name = "w3c"

urlpatterns = [
    path("sources/<int:pk>/", views.Container.as_view(), name="container"),
    path("annotations/<int:pk>/", views.AnnotationResource.as_view(), name="annotation"),
    path("evidence/<int:pk>/", views.EvidenceResource.as_view(), name="evidence"),
]
