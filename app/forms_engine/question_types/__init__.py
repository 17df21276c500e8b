"""The question types every council has, each registering itself in the registry of question types
(app/form_model/question_types.py). Services bring their own types the same way."""

from app.forms_engine.question_types import (  # noqa: F401  (importing registers them)
    address,
    choices,
    collection_date,
    dates,
    file,
    location,
    premises,
    quantities,
    text,
    vehicle,
)
