"""Watching sources over time: recapturing a web source, and alerting the
workspace's analysts when text cited as evidence changed or vanished, or a
recapture failed. Versions themselves are archive.sources.versions; carrying
passages to a new version is archive.passages.carrying."""
