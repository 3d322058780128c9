from django.urls import path, re_path

from archive.api import views
from archive.models import Annotation, Claim, Evidence, Outlet, Passage, Source

app_name = "api"


def resource(prefix: str, name: str, list_view, detail_view, model) -> list:
    """List, detail and history URLs of one resource."""
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}-list"),
        path(f"{prefix}/<int64:pk>/", detail_view.as_view(), name=f"{name}-detail"),
        path(
            f"{prefix}/<int64:pk>/history/",
            views.HistoryView.as_view(queryset=model.objects.all()),
            name=f"{name}-history",
        ),
    ]


urlpatterns = [
    path("", views.ApiRoot.as_view(), name="root"),
    path("workspaces/", views.WorkspaceList.as_view(), name="workspace-list"),
    path("workspaces/<slug:slug>/", views.WorkspaceDetail.as_view(), name="workspace-detail"),
    *resource("outlets", "outlet", views.OutletList, views.OutletDetail, Outlet),
    *resource("sources", "source", views.SourceList, views.SourceDetail, Source),
    path("sources/<int64:pk>/text/", views.SourceText.as_view(), name="source-text"),
    path("sources/<int64:pk>/original/", views.SourceOriginal.as_view(), name="source-original"),
    path("sources/<int64:pk>/divergences/", views.SourceDivergences.as_view(), name="source-divergences"),
    path(
        "sources/<int64:pk>/divergences/explanations/",
        views.DivergenceExplanations.as_view(),
        name="source-divergence-explanations",
    ),
    *resource("passages", "passage", views.PassageList, views.PassageDetail, Passage),
    path(
        "passages/<int64:pk>/counterparts/", views.PassageCounterparts.as_view(), name="passage-counterparts"
    ),
    path("annotations/batch/", views.AnnotationBatch.as_view(), name="annotation-batch"),
    *resource("annotations", "annotation", views.AnnotationList, views.AnnotationDetail, Annotation),
    *resource("claims", "claim", views.ClaimList, views.ClaimDetail, Claim),
    path("claims/<int64:pk>/claimreview/", views.ClaimReviewView.as_view(), name="claim-claimreview"),
    path("claims/<int64:pk>/grade/", views.ClaimGrade.as_view(), name="claim-grade"),
    *resource("evidence", "evidence", views.EvidenceList, views.EvidenceDetail, Evidence),
    path("token/", views.TokenView.as_view(), name="token"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other path under /api/ is a JSON 404, as API clients expect.
    re_path(r"^(?P<rest>[\s\S]*)$", views.NotFoundView.as_view(), name="unknown"),
]
