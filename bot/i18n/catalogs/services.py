"""The services' names where they have a Chinese one (proper names such as Picpik stay as they are)."""

EN: dict[str, str] = {}

ZH_CN: dict[str, str] = {}

COMMANDS_ZH_CN = {
    "Midjourney-style API": "Midjourney 风格 API",
}
