"""studybot: the core of a study-group bot for machine-learning interviews.

The core imports no platform library; adapters in `adapters/` put it on the
console, Discord and Slack.
"""

from bot.app import Studybot
from bot.envelope import (
    Button,
    ButtonPress,
    ChannelRef,
    CommandInvocation,
    Context,
    Field,
    Form,
    FormInput,
    FormSubmission,
    Item,
    Message,
    Poster,
    PostRef,
    UserRef,
)
from bot.errors import (
    BankError,
    ConfigError,
    Conflict,
    NotAllowed,
    NotFound,
    SchemaError,
    StudybotError,
    UserError,
)

__all__ = [
    "BankError",
    "Button",
    "ButtonPress",
    "ChannelRef",
    "CommandInvocation",
    "ConfigError",
    "Conflict",
    "Context",
    "Field",
    "Form",
    "FormInput",
    "FormSubmission",
    "Item",
    "Message",
    "NotAllowed",
    "NotFound",
    "PostRef",
    "Poster",
    "SchemaError",
    "Studybot",
    "StudybotError",
    "UserError",
    "UserRef",
]
