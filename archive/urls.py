from django.urls import path

from archive.views import sources, workspaces

app_name = "archive"

urlpatterns = [
    path("", workspaces.home, name="home"),
    path("w/<slug:slug>/", workspaces.workspace_detail, name="workspace"),
    path("w/<slug:slug>/sources/<int:source_id>/", sources.source_detail, name="source"),
]
