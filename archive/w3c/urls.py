from django.urls import path, re_path

from archive.w3c import views

app_name = "w3c"

urlpatterns = [
    path("sources/<int64:pk>/", views.Container.as_view(), name="container"),
    # Each item's IRI, below its container's (archive.w3c.views).
    path(
        "sources/<int64:source_id>/annotations/<int64:pk>/", views.AnnotationResource.as_view(), name="item"
    ),
    path(
        "sources/<int64:source_id>/evidence/<int64:pk>/",
        views.EvidenceResource.as_view(),
        name="evidence-item",
    ),
    path("sources/<int64:source_id>/replies/<int64:pk>/", views.ReplyResource.as_view(), name="reply-item"),
    # A passage linked to its counterparts in translations, originals, republications.
    path(
        "sources/<int64:source_id>/passages/<int64:pk>/linking/",
        views.PassageLinking.as_view(),
        name="passage-linking",
    ),
    # The older IRIs: the same resources, served as well (their `id` is the one above).
    path("annotations/<int64:pk>/", views.AnnotationResource.as_view(), name="annotation"),
    path("evidence/<int64:pk>/", views.EvidenceResource.as_view(), name="evidence"),
    # Last: any other path under /w3c/ (an id beyond 64 bits, which `int64` matches to
    # nothing above, say) is a 404 in the protocol's JSON, as under /api/, not the site's HTML page.
    re_path(r"^(?P<rest>[\s\S]*)$", views.Unknown.as_view(), name="unknown"),
]
