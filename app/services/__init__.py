"""Council services and domain logic. Nothing here reads flask.request, session or g."""
