"""The search index (archive.search): one row per searchable object.

Derived data, not a record: it is rebuilt from the archive by
`manage.py rebuild_search_index` and so keeps no history of its own.
On PostgreSQL the migration adds a stored, GIN-indexed tsvector column
(`vector`) computed from head, body and stems; on SQLite an FTS5 table
(`archive_search_fts`) mirrors them through triggers. Neither is known to
the ORM: archive.search.backends queries them.
"""

from django.db import models


class SearchKind(models.TextChoices):
    SOURCE = "source", "sources"
    PASSAGE = "passage", "passages"
    ANNOTATION = "annotation", "annotations"
    CLAIM = "claim", "claims"


class SearchDocument(models.Model):
    workspace = models.ForeignKey("archive.Workspace", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=SearchKind.choices)
    object_id = models.BigIntegerField()

    # Filter columns, copied from the object and the source it belongs to.
    source_id = models.BigIntegerField(null=True, blank=True)
    outlet_id = models.BigIntegerField(null=True, blank=True)
    language = models.CharField(
        max_length=35, blank=True, help_text="Primary subtag of the source's language."
    )
    date = models.DateField(null=True, blank=True, help_text="Source: published; claim: created.")
    tags = models.TextField(blank=True, help_text='Case-folded, "|" before and after each.')
    stances = models.CharField(
        max_length=60, blank=True, help_text='Evidence stances, "|" before and after each.'
    )
    review_status = models.CharField(max_length=10, blank=True)
    author_id = models.BigIntegerField(null=True, blank=True)

    # Normalized words joined by single spaces (archive.search.normalize).
    head = models.TextField(blank=True, help_text="Title, authors or tags: ranked above the body.")
    body = models.TextField(blank=True)
    stems = models.TextField(blank=True)
    digest = models.CharField(
        max_length=64, help_text="Of everything above: unchanged rows are not rewritten."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchdocument_unique_object"),
            models.CheckConstraint(
                condition=models.Q(kind__in=SearchKind.values), name="searchdocument_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["source_id"], name="searchdocument_source"),
            # archive.search.backends.stemmed_languages()
            models.Index(fields=["kind", "language"], name="searchdocument_kind_language"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class SearchTerm(models.Model):
    """The words of each workspace, for "did you mean" (archive/search/backends).
    Words are only added: a stale one costs a suggestion that finds nothing,
    which search() checks before offering it."""

    workspace = models.ForeignKey("archive.Workspace", on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "word"], name="searchterm_unique_word")]

    def __str__(self) -> str:
        return self.word
