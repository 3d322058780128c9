from archive.grading import Reliability
from archive.history import recorded_as
from archive.models import Outlet, Workspace
from archive.unit_of_work import unit_of_work


@unit_of_work()
def create_outlet(
    *,
    workspace: Workspace,
    user,
    name: str,
    url: str = "",
    country: str = "",
    language: str = "",
    reliability: Reliability | str = Reliability.F,
    reliability_reason: str = "",
    reason: str = "",
) -> Outlet:
    outlet = Outlet(
        workspace=workspace,
        name=name,
        url=url,
        country=country,
        language=language,
        reliability=reliability,
        reliability_reason=reliability_reason,
    )
    outlet.full_clean()
    with recorded_as(user=user, reason=reason):
        outlet.save()
    return outlet
