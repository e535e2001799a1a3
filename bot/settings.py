"""Settings from the environment and an optional YAML file.

Environment variables win over the file. Platform secrets are read only from
the environment (never from a committed file). Invalid values stop start-up
with a message that names the setting and says what is allowed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from bot.errors import ConfigError

CONFIG_ENV = "STUDYBOT_CONFIG"


def _secret(env_name: str) -> Any:
    return Field(default=None, validation_alias=AliasChoices(env_name))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STUDYBOT_", extra="forbid", populate_by_name=True)

    data_dir: Path = Path("data")
    db: Path | None = Field(default=None, description="database file; default DATA_DIR/studybot.db")
    question_dirs: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    default_timezone: str = "UTC"
    grace_hours: float = Field(default=6.0, ge=0, le=48)
    seed: int | None = None

    points_answer: int = Field(default=10, ge=0)
    points_upvote: int = Field(default=2, ge=0)
    points_top_answer: int = Field(default=5, ge=0)
    quiz_points_easy: int = Field(default=1, ge=0)
    quiz_points_medium: int = Field(default=2, ge=0)
    quiz_points_hard: int = Field(default=3, ge=0)
    review_retention: float = Field(default=0.9, gt=0, lt=1)
    review_daily_cap: int = Field(default=20, ge=1)

    slack_port: int = Field(default=3000, ge=1, le=65535)
    slack_api_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_API_BASE_URL")
    )
    discord_api_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_API_BASE_URL")
    )
    discord_gateway_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_GATEWAY_URL")
    )

    discord_token: SecretStr | None = _secret("DISCORD_TOKEN")
    slack_bot_token: SecretStr | None = _secret("SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = _secret("SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = _secret("SLACK_SIGNING_SECRET")

    @field_validator("question_dirs", "admins", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as "
                "'Europe/Berlin', 'America/New_York' or 'UTC'"
            ) from None
        return value

    @property
    def db_path(self) -> Path:
        return self.db if self.db is not None else self.data_dir / "studybot.db"

    @property
    def has_platform_token(self) -> bool:
        return self.discord_token is not None or self.slack_bot_token is not None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get(CONFIG_ENV)
        if config_file:
            sources.append(_YamlWithoutSecrets(settings_cls, yaml_file=config_file))
        return tuple(sources)


_SECRETS = ("discord_token", "slack_bot_token", "slack_app_token", "slack_signing_secret")


class _YamlWithoutSecrets(YamlConfigSettingsSource):
    """The YAML file may hold any setting but the platform secrets."""

    def __call__(self) -> dict[str, Any]:
        values = super().__call__()
        for key in values:
            if key.lower() in _SECRETS or key.upper() in _ENV_NAMES.values():
                raise ConfigError(
                    f"{CONFIG_ENV}: '{key}' is a secret and is read only from the environment "
                    f"({_setting_name(key)}); remove it from the file."
                )
        return values


_ENV_NAMES = {
    "discord_token": "DISCORD_TOKEN",
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_api_base_url": "SLACK_API_BASE_URL",
    "discord_api_base_url": "DISCORD_API_BASE_URL",
    "discord_gateway_url": "DISCORD_GATEWAY_URL",
}


def _setting_name(field: str) -> str:
    return _ENV_NAMES.get(field.lower(), f"STUDYBOT_{field.upper()}")


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Read settings, turning validation failures into one readable ConfigError."""
    if config_file is not None:
        os.environ[CONFIG_ENV] = str(config_file)
    path = os.environ.get(CONFIG_ENV)
    if path and not Path(path).is_file():
        raise ConfigError(f"{CONFIG_ENV}: no config file at {path!r}; fix the path or unset it.")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"{_setting_name(field)}: {message}")
        raise ConfigError("Invalid settings:\n  " + "\n  ".join(lines)) from None
    except ConfigError:
        raise
    except Exception as exc:  # a malformed YAML file
        raise ConfigError(f"{CONFIG_ENV}: cannot read {path!r}: {exc}") from None
