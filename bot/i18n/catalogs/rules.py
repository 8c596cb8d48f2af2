"""Texts of a server's rules applied when a job starts (``bot.server_rules``)."""

EN = {
    "rules.wrong_channel": "This server uses the bot only in {channels}; please ask there.",
    "rules.no_channel": "This server has no channel open to the bot; ask an admin to open one.",
    "rules.service_not_allowed": "{service} is not allowed on this server. Allowed here: {allowed}.",
    "rules.no_service_allowed": (
        "None of the services this server allows is set up on this bot (allowed here: {allowed})."
    ),
    "rules.nothing_allowed": "nothing",
    "rules.banned_words": "Your prompt contains words this server does not allow: {words}. Change them and try again.",
    "rules.gate.ainn.incomplete": (
        "This server requires AINN to use {service}: a job runs only when the {service} keys it uses carry a BTC "
        "address that holds AINN, and these keys have no BTC address. Set your {service} keys with a BTC address "
        "(`/keys set service:{name}`) to use {service} here."
    ),
    "rules.gate.ainn.denied": (
        "This server requires AINN to use {service}: a job runs only when the {service} keys it uses carry a BTC "
        "address that holds AINN, and the address in these keys holds no AINN."
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
    "rules.wrong_channel": "本服务器只在 {channels} 使用机器人，请到那里使用。",
    "rules.no_channel": "本服务器没有向机器人开放任何频道，请联系管理员开放一个。",
    "rules.service_not_allowed": "本服务器不允许使用 {service}。允许使用：{allowed}。",
    "rules.no_service_allowed": "本服务器允许的服务在本机器人上都没有配置（允许使用：{allowed}）。",
    "rules.nothing_allowed": "无",
    "rules.banned_words": "你的提示词包含本服务器不允许的词：{words}。请修改后重试。",
    "rules.gate.ainn.incomplete": (
        "本服务器要求持有 AINN 才能使用 {service}：只有所用 {service} 密钥中的 BTC 地址持有 AINN 时任务才会运行，"
        "而这些密钥没有 BTC 地址。请用 `/keys set service:{name}` 设置带 BTC 地址的 {service} 密钥后在这里使用。"
    ),
    "rules.gate.ainn.denied": (
        "本服务器要求持有 AINN 才能使用 {service}：只有所用 {service} 密钥中的 BTC 地址持有 AINN 时任务才会运行，"
        "而这些密钥中的地址没有 AINN。"
    ),
    "rules.gate.incomplete": "你的 {service} 密钥缺少本服务器要求的内容，请用 `/keys set` 更新后重试。",
    "rules.gate.denied": "{service} 表示你的密钥不符合本服务器的要求。",
    "rules.gate.unavailable": "暂时无法向 {service} 确认你的密钥能否在本服务器使用，请稍后重试。",
}
