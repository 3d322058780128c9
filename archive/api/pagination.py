from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from archive.api.filters import query_parameters, refuse_unknown


class Cursor(CursorPagination):
    """Cursor pages: stable under concurrent inserts, and the cost of a page
    does not grow with how deep into the list it is."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "id"

    def paginate_queryset(self, queryset, request, view=None) -> list | None:
        # Every list is paged here: the one place that knows its filters, ordering and paging.
        refuse_unknown(request, query_parameters(view, self))
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, DjangoValidationError):
            # A cursor whose position is not a value of the ordering field (made by hand).
            if self.cursor_query_param not in request.query_params:
                raise
            raise self.bad_cursor() from None

    def decode_cursor(self, request):
        """The cursor asked for; a malformed one is a 400 (DRF's is a 404)."""
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise self.bad_cursor() from None

    def bad_cursor(self) -> ValidationError:
        return ValidationError(
            {self.cursor_query_param: ["Not a cursor: follow the next and previous links of a page."]}
        )

    def get_page_size(self, request) -> int:
        """The page size asked for; a malformed one, or one over max_page_size, is a 400
        (as the schema says: a client is told, not given fewer items than it asked for)."""
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1 or not (raw[0].isascii() and raw[0].isdigit()) or int(raw[0]) < 1:
            raise ValidationError({self.page_size_query_param: ["A whole number from 1."]})
        if int(raw[0]) > self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"At most {self.max_page_size}."]})
        return int(raw[0])

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] |= {
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
                parameter["description"] = (
                    f"Items per page: 1 to {self.max_page_size} ({self.page_size} if not given); "
                    "more is refused with 400."
                )
        return parameters
