from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Cursor pages: stable under concurrent inserts, and the cost of a page
    does not grow with how deep into the list it is."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "id"

    def get_page_size(self, request) -> int:
        """The page size asked for (at most max_page_size); a malformed one is a 400."""
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1 or not raw[0].isdigit() or int(raw[0]) < 1:
            raise ValidationError({self.page_size_query_param: ["A whole number from 1."]})
        return min(int(raw[0]), self.max_page_size)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] |= {"minimum": 1}
        return parameters
