"""The addresses the README names are the site's: a reader who types one finds the page."""

import re
from pathlib import Path

from django.urls import Resolver404, resolve

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_path_the_readme_names_is_a_url_of_the_site():
    named = set(re.findall(r"`(/[^`\s]*)`", README.read_text()))
    unknown = []
    for path in sorted(named):
        # A placeholder (<slug>, <id>, …) stands for any value: 1 is a slug and an id alike.
        concrete = re.sub(r"<[^>]+>", "1", path).replace("…", "x").split("?")[0]
        try:
            resolve(concrete)
        except Resolver404:
            unknown.append(path)
    assert unknown == []
