"""Texts of a server's rules applied when a job starts (``bot.server_rules``)."""

EN = {
    "rules.wrong_channel": "On this server the bot takes jobs only in {channels}.",
    "rules.no_channel": "On this server no channel is open for jobs; ask an admin to open one.",
    "rules.service_not_allowed": "{service} is not allowed on this server. Allowed here: {allowed}.",
    "rules.no_service_allowed": (
        "None of the services this server allows is set up on this bot (allowed here: {allowed})."
    ),
    "rules.nothing_allowed": "nothing",
    "rules.banned_words": "Your prompt contains words this server does not allow: {words}. Change them and try again.",
    "rules.gate.ainn.incomplete": (
        "This server runs {service} jobs only for a BTC address that holds AINN, and your {service} keys have "
        "no address. Add yours with `/keys set` and try again."
    ),
    "rules.gate.ainn.denied": (
        "This server runs {service} jobs only for a BTC address that holds AINN, and the address in your "
        "{service} keys holds no AINN."
    ),
    "rules.gate.incomplete": (
        "Your {service} keys lack something this server requires; update them with `/keys set` and try again."
    ),
    "rules.gate.denied": "{service} says your keys do not meet this server's requirement.",
    "rules.gate.unavailable": (
        "Could not check with {service} whether your keys may be used on this server; please try again in a "
        "moment."
    ),
}

ZH_CN = {
    "rules.wrong_channel": "在本服务器，机器人只在 {channels} 接受任务。",
    "rules.no_channel": "本服务器没有开放任何接受任务的频道，请联系管理员开放一个。",
    "rules.service_not_allowed": "本服务器不允许使用 {service}。允许使用：{allowed}。",
    "rules.no_service_allowed": "本服务器允许的服务在本机器人上都没有配置（允许使用：{allowed}）。",
    "rules.nothing_allowed": "无",
    "rules.banned_words": "你的提示词包含本服务器不允许的词：{words}。请修改后重试。",
    "rules.gate.ainn.incomplete": (
        "本服务器只为持有 AINN 的 BTC 地址运行 {service} 任务，而你的 {service} 密钥没有地址。"
        "请用 `/keys set` 添加你的地址后重试。"
    ),
    "rules.gate.ainn.denied": (
        "本服务器只为持有 AINN 的 BTC 地址运行 {service} 任务，而你的 {service} 密钥中的地址没有 AINN。"
    ),
    "rules.gate.incomplete": "你的 {service} 密钥缺少本服务器要求的内容，请用 `/keys set` 更新后重试。",
    "rules.gate.denied": "{service} 表示你的密钥不符合本服务器的要求。",
    "rules.gate.unavailable": "暂时无法向 {service} 确认你的密钥能否在本服务器使用，请稍后重试。",
}
