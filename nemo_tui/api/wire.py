"""The one serialization policy of every wire model (the protocol's answers and requests, and the
draft): what a model sends is exactly the fields it has *set*.

- A model parsed from the wire (`from_wire`, or `model_validate(..., context=FROM_WIRE)`) has set
  the keys that came, unknown keys and nulls included: a cloud draft goes back to export untouched,
  with no default the cloud never sent.
- A model our code builds has set every field that holds a value, defaults included: a request
  carries its protocol constants (`app_name`, `streaming`, ...), a built draft its canvas and
  tracks, and nothing is `null` unless it came so.
- Assigning a value sets a field (an edit inside a default-made part is sent); assigning `None`
  unsets it (a removed transition is left out, not sent as `null`).
"""

from __future__ import annotations

from typing import Any, Final, Self

from pydantic import BaseModel, ConfigDict

# The validation context that marks data as having come from the wire (see the module docstring).
FROM_WIRE: Final[dict[str, bool]] = {"from_wire": True}


def came_from_wire(context: Any) -> bool:
    return isinstance(context, dict) and context.get("from_wire") is True


class WireModel(BaseModel):
    """Base of the wire models and the draft's parts: unknown keys kept, fields settable by name
    or alias, and one rule for what `to_wire` sends (the module docstring)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def model_post_init(self, context: Any, /) -> None:
        if came_from_wire(context):
            return
        held = {name for name in type(self).model_fields if getattr(self, name) is not None}
        extra = self.__pydantic_extra__ or {}
        self.__pydantic_fields_set__ = held | {
            key for key, value in extra.items() if value is not None
        }

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if value is None:
            self.__pydantic_fields_set__.discard(name)

    @classmethod
    def from_wire(cls, data: Any) -> Self:
        """`data` as the server (or the client) sent it; only the keys that came are sent back."""
        return cls.model_validate(data, context=FROM_WIRE)

    def to_wire(self) -> dict[str, Any]:
        """The JSON to send: short keys and aliases, exactly the fields that are set."""
        return self.model_dump(by_alias=True, exclude_unset=True)
