"""Texts every feature uses."""

EN = {
    "common.input_error": "⚠️ {message}",
    "common.unexpected": "Something went wrong on the bot's side; please try again.",
    "common.service_not_set_up": "The service “{service}” is not set up on this bot.",
    "common.no_service_can": "None of the services set up on this bot can {action}.",
}

ZH_CN = {
    "common.input_error": "⚠️ {message}",
    "common.unexpected": "机器人这边出了点问题，请重试。",
    "common.service_not_set_up": "本机器人没有配置服务“{service}”。",
    "common.no_service_can": "本机器人配置的服务都不能{action}。",
}
