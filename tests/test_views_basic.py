from django.urls import reverse

from tests.factories import PassageFactory, SourceFactory, WorkspaceFactory


def test_anonymous_visitor_is_sent_to_login(client, workspace):
    response = client.get(reverse("archive:workspace", args=[workspace.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_lists_only_the_users_workspaces(client, workspace, analyst):
    WorkspaceFactory(name="Someone else's case")
    client.force_login(analyst)
    page = client.get(reverse("archive:home")).content.decode()
    assert "Southern Syria 2017" in page
    assert "Someone else&#x27;s case" not in page and "Someone else's case" not in page


def test_workspace_page_lists_its_sources(client, workspace, reviewer):
    SourceFactory(workspace=workspace, title="Why Aleppo Fell and Daraa Withstood")
    SourceFactory(workspace=WorkspaceFactory(), title="A source elsewhere")
    client.force_login(reviewer)
    page = client.get(reverse("archive:workspace", args=[workspace.slug])).content.decode()
    assert "Why Aleppo Fell and Daraa Withstood" in page
    assert "A source elsewhere" not in page


def test_non_member_gets_404_not_403(client, workspace, outsider):
    source = SourceFactory(workspace=workspace)
    client.force_login(outsider)
    assert client.get(reverse("archive:workspace", args=[workspace.slug])).status_code == 404
    assert client.get(reverse("archive:source", args=[workspace.slug, source.pk])).status_code == 404


def test_source_of_another_workspace_is_404_even_for_a_member(client, workspace, analyst):
    foreign = SourceFactory(workspace=WorkspaceFactory())
    client.force_login(analyst)
    assert client.get(reverse("archive:source", args=[workspace.slug, foreign.pk])).status_code == 404


def test_source_page_shows_text_metadata_and_passages(client, workspace, analyst):
    source = SourceFactory(
        workspace=workspace,
        title="قال مدير المحطة",
        text="قال مدير المحطة إن القصف بدأ",
        language="ar",
        direction="rtl",
    )
    PassageFactory(source=source, start=4, length=4)
    client.force_login(analyst)
    page = client.get(reverse("archive:source", args=[workspace.slug, source.pk])).content.decode()
    assert 'dir="rtl"' in page
    assert source.text_sha256 in page
    assert '<q lang="ar"><bdi>مدير</bdi></q>' in page


def test_user_supplied_text_is_escaped(client, workspace, analyst):
    SourceFactory(workspace=workspace, title="<script>alert(1)</script>")
    client.force_login(analyst)
    page = client.get(reverse("archive:workspace", args=[workspace.slug])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
