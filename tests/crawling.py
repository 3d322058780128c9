"""What the crawling tests share: pages are visited once per kind."""

import re
from urllib.parse import urlsplit


def kind_of(url: str) -> str:
    """The page kind a URL shows: its path with numbers generalised, and its query's names."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    if path.startswith("/admin/") or not parts.query:
        return path
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&")})
    return f"{path}?{'&'.join(names)}"
