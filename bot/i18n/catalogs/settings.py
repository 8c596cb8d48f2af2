"""``/settings`` and ``/server-settings``: members' preferences, servers' rules, and the copy of a result by DM."""

EN = {
    # --- shared words
    "settings.on": "on",
    "settings.off": "off",
    "settings.invalid": "That value cannot be stored ({fields}); nothing was changed.",
    "settings.more": "… and {count} more",
    # --- a member's preferences
    "settings.member.title": "Your settings",
    "settings.member.saved": "✅ Saved. Your settings now:",
    "settings.member.nothing_to_set": (
        "Pick at least one option to change: `service`, `aspect` or `results_by_dm`. "
        "`/settings show` shows what you have."
    ),
    "settings.member.service": "Default service",
    "settings.member.service_unset": "the server's default",
    "settings.member.service_not_here": "{service} (not allowed in this server: its default is used here)",
    "settings.member.aspect": "Default aspect ratio",
    "settings.member.aspect_unset": "the service's default",
    "settings.member.results_by_dm": "Results also by direct message",
    "settings.member.admin_hint": (
        "You may manage this server: change these rules with /server-settings (a command of its own, so that "
        "only members with Manage Server see it)."
    ),
    # --- a server's rules
    "settings.server.title": "This server's rules",
    "settings.server.title_here": "Rules in this server",
    "settings.server.footer": "Change them with the /server-settings subcommands.",
    "settings.server.services": "Services members may use",
    "settings.server.every_service": "every service the bot offers",
    "settings.server.no_service": "none",
    "settings.server.default_service": "Default service",
    "settings.server.bot_default": "the bot's default",
    "settings.server.limits": "Limits",
    "settings.server.no_limit": "no limit",
    "settings.server.running_per_member": "Running jobs per member: {value}",
    "settings.server.daily_server_key_jobs": "Jobs per day on the server's keys: {value}",
    "settings.server.queue_cap": "Jobs that may wait in the queue: {value}",
    "settings.server.banned_words": "Banned words",
    "settings.server.no_words": "none",
    "settings.server.word_count": "{count} words or phrases",
    "settings.server.channels": "Channels the bot answers in",
    "settings.server.every_channel": "every channel",
    "settings.server.no_channel": "none (the bot takes no jobs here)",
    "settings.server.switches": "Switches",
    "settings.server.server_keys": "Server keys for members without their own: {value}",
    "settings.server.server_keys_off": (
        "→ members without keys of their own are asked to set theirs (/keys set); the server's keys serve only "
        "the admin commands. Turn it on to pay for their jobs with the server's keys."
    ),
    "settings.server.server_keys_on": (
        "→ jobs of members without keys of their own run on, and are billed to, the server's keys "
        "(see Limits for jobs per day)."
    ),
    "settings.server.others_may_press": "Anyone may press a job's buttons: {value}",
    "settings.server.ngpu_requires_ainn": "NGPU needs AINN: {value}",
    # --- allowed services
    "settings.services.pick": (
        "Tick the services members may use in this server (all of them: every service, also ones added later)."
    ),
    "settings.services.placeholder": "Services members may use",
    "settings.services.saved": "✅ Services members may use here: {value}",
    "settings.services.default_cleared": (
        "The server's default service is no longer allowed, so the bot's default is used instead."
    ),
    "settings.services.none_chosen": "Choose at least one service.",
    # --- default service
    "settings.default_service.saved": "✅ Default service here: {value}",
    "settings.default_service.unknown": "The service “{service}” is not offered on this bot.",
    "settings.default_service.not_allowed": (
        "{service} is not one of the services allowed here; allow it first with `/server-settings services`."
    ),
    # --- limits
    "settings.limits.current": "**Limits here**\n{value}",
    "settings.limits.saved": "✅ Limits saved.\n{value}",
    # --- banned words
    "settings.words.title": "Banned words ({count})",
    "settings.words.added": "✅ Banned ({count}): {words}",
    "settings.words.already": "Already banned ({count}): {words}",
    "settings.words.removed": "✅ No longer banned ({count}): {words}",
    "settings.words.missing": "Not on the list ({count}): {words}",
    "settings.words.count": "The list has {count} words or phrases.",
    "settings.words.page": "Page {page} of {pages} · /server-settings banned-words list page:…",
    "settings.words.none_given": "Write the words to add or remove, separated by commas.",
    "settings.words.too_many_at_once": (
        "That names {count} words or phrases; at most {limit} can be added or removed at once. Nothing was changed."
    ),
    "settings.words.too_long_list": (
        "The banned words together may have at most {limit} characters; there is room for {room} more. "
        "Nothing was added."
    ),
    "settings.words.too_long": "“{word}” is too long: a banned word or phrase has at most {limit} characters.",
    "settings.words.too_many": (
        "A server can ban at most {limit} words or phrases; there is room for {room} more. Nothing was added."
    ),
    # --- channels
    "settings.channels.current": "The bot answers in: {value}",
    "settings.channels.saved": "✅ The bot now answers in: {value}",
    "settings.channels.too_many": "The bot can be limited to at most {limit} channels; remove one first.",
    # --- switches
    "settings.switches.current": "**Switches here**\n{value}",
    "settings.switches.saved": "✅ Switches saved.\n{value}",
    # --- a result's copy by direct message
    "settings.dm_copy": "{heading}\nIn the server: {link}",
    "settings.dm_copy_link_only": (
        "{heading}\nThe picture is too large for a direct message; see it in the server: {link}"
    ),
}

ZH_CN = {
    "settings.on": "开",
    "settings.off": "关",
    "settings.invalid": "无法保存该值（{fields}）；没有做任何更改。",
    "settings.more": "……还有 {count} 个",
    "settings.member.title": "你的设置",
    "settings.member.saved": "✅ 已保存。你现在的设置：",
    "settings.member.nothing_to_set": (
        "请至少选择一个要更改的选项：`service`、`aspect` 或 `results_by_dm`。用 `/settings show` 查看当前设置。"
    ),
    "settings.member.service": "默认服务",
    "settings.member.service_unset": "服务器的默认服务",
    "settings.member.service_not_here": "{service}（本服务器不允许使用：这里使用服务器的默认服务）",
    "settings.member.aspect": "默认宽高比",
    "settings.member.aspect_unset": "服务的默认值",
    "settings.member.results_by_dm": "结果同时通过私信发送",
    "settings.member.admin_hint": (
        "你可以管理本服务器：用 /server-settings 修改这些规则"
        "（它是单独的命令，只有拥有“管理服务器”权限的成员才能看到）。"
    ),
    "settings.server.title": "本服务器的规则",
    "settings.server.title_here": "本服务器的规则",
    "settings.server.footer": "用 /server-settings 的子命令修改。",
    "settings.server.services": "成员可以使用的服务",
    "settings.server.every_service": "机器人提供的所有服务",
    "settings.server.no_service": "无",
    "settings.server.default_service": "默认服务",
    "settings.server.bot_default": "机器人的默认服务",
    "settings.server.limits": "限制",
    "settings.server.no_limit": "不限",
    "settings.server.running_per_member": "每位成员同时运行的任务：{value}",
    "settings.server.daily_server_key_jobs": "每天使用服务器密钥的任务：{value}",
    "settings.server.queue_cap": "可以排队等待的任务：{value}",
    "settings.server.banned_words": "禁用词",
    "settings.server.no_words": "无",
    "settings.server.word_count": "{count} 个词或短语",
    "settings.server.channels": "机器人回应的频道",
    "settings.server.every_channel": "所有频道",
    "settings.server.no_channel": "无（本服务器不接受任务）",
    "settings.server.switches": "开关",
    "settings.server.server_keys": "没有自己密钥的成员使用服务器密钥：{value}",
    "settings.server.server_keys_off": (
        "→ 没有自己密钥的成员会被提示设置自己的密钥（/keys set）；服务器的密钥只用于管理命令。"
        "开启后，他们的任务将使用服务器的密钥并由其计费。"
    ),
    "settings.server.server_keys_on": (
        "→ 没有自己密钥的成员的任务使用服务器的密钥运行并由其计费（每天的任务数见“限制”）。"
    ),
    "settings.server.others_may_press": "任何人都可以按任务的按钮：{value}",
    "settings.server.ngpu_requires_ainn": "NGPU 需要持有 AINN：{value}",
    "settings.services.pick": "勾选本服务器成员可以使用的服务（全部勾选：所有服务，包括以后新增的）。",
    "settings.services.placeholder": "成员可以使用的服务",
    "settings.services.saved": "✅ 本服务器成员可以使用的服务：{value}",
    "settings.services.default_cleared": "服务器的默认服务已不再允许使用，因此改用机器人的默认服务。",
    "settings.services.none_chosen": "请至少选择一个服务。",
    "settings.default_service.saved": "✅ 本服务器的默认服务：{value}",
    "settings.default_service.unknown": "本机器人没有提供服务“{service}”。",
    "settings.default_service.not_allowed": (
        "{service} 不在本服务器允许的服务中；请先用 `/server-settings services` 允许它。"
    ),
    "settings.limits.current": "**本服务器的限制**\n{value}",
    "settings.limits.saved": "✅ 限制已保存。\n{value}",
    "settings.words.title": "禁用词（{count}）",
    "settings.words.added": "✅ 已禁用（{count} 个）：{words}",
    "settings.words.already": "已经在禁用列表中（{count} 个）：{words}",
    "settings.words.removed": "✅ 不再禁用（{count} 个）：{words}",
    "settings.words.missing": "不在列表中（{count} 个）：{words}",
    "settings.words.count": "列表中共有 {count} 个词或短语。",
    "settings.words.page": "第 {page} 页，共 {pages} 页 · /server-settings banned-words list page:…",
    "settings.words.none_given": "请写出要添加或删除的词，用逗号分隔。",
    "settings.words.too_many_at_once": (
        "这里列出了 {count} 个词或短语；一次最多只能添加或删除 {limit} 个。没有做任何更改。"
    ),
    "settings.words.too_long_list": "所有禁用词合计最多 {limit} 个字符；还可以再添加 {room} 个字符。没有添加任何内容。",
    "settings.words.too_long": "“{word}”太长：禁用词或短语最多 {limit} 个字符。",
    "settings.words.too_many": "一个服务器最多可以禁用 {limit} 个词或短语；还可以再添加 {room} 个。没有添加任何内容。",
    "settings.channels.current": "机器人回应的频道：{value}",
    "settings.channels.saved": "✅ 机器人现在回应的频道：{value}",
    "settings.channels.too_many": "最多只能把机器人限制在 {limit} 个频道；请先删除一个。",
    "settings.switches.current": "**本服务器的开关**\n{value}",
    "settings.switches.saved": "✅ 开关已保存。\n{value}",
    "settings.dm_copy": "{heading}\n在服务器中：{link}",
    "settings.dm_copy_link_only": "{heading}\n图片太大，无法通过私信发送；请在服务器中查看：{link}",
}

COMMANDS_ZH_CN = {
    # /settings
    "Your own preferences for the bot": "你自己的机器人偏好设置",
    "Show your preferences (and, in a server, its rules)": "查看你的偏好设置（在服务器中还会显示其规则）",
    "Change your preferences": "修改你的偏好设置",
    "The service /imagine uses when you name none": "未指定服务时 /imagine 使用的服务",
    "The aspect ratio used when a prompt names none, like 16:9 or 2:3": "提示词未指定时使用的宽高比，例如 16:9 或 2:3",
    "Also send you each finished picture by direct message": "每张完成的图片也通过私信发给你",
    "Forget one of your preferences, or all of them": "清除你的某项偏好设置，或全部清除",
    "Which preference to forget": "要清除哪项偏好设置",
    "Default service": "默认服务",
    "Default aspect ratio": "默认宽高比",
    "Results by direct message": "通过私信发送结果",
    "All of them": "全部",
    "Server default": "服务器默认",
    # /server-settings
    "This server's rules for the bot (Manage Server)": "本服务器的机器人规则（需要“管理服务器”权限）",
    "Show this server's rules": "查看本服务器的规则",
    "Choose the services members may use here": "选择本服务器成员可以使用的服务",
    "The service used when neither command nor member names one": "命令和成员都未指定服务时使用的服务",
    "Which service (or the bot's default)": "哪个服务（或机器人的默认服务）",
    "The bot's default": "机器人默认",
    "Limits on running jobs, jobs on the server's keys, and the queue": "运行中任务、使用服务器密钥的任务和队列的限制",
    "Jobs one member may have running at once (0: no limit)": "每位成员可同时运行的任务数（0：不限）",
    "Jobs per day (UTC) that may use the server's keys (0: no limit)": "每天（UTC）可使用服务器密钥的任务数（0：不限）",
    "Jobs that may wait in the queue at once (0: none wait, they are refused)": (
        "可同时排队等待的任务数（0：不排队，直接拒绝）"
    ),
    "Turn server-wide behaviours on or off": "开启或关闭服务器范围的功能",
    "Members without keys of their own may use (and spend) the server's keys; off by default": (
        "没有自己密钥的成员可以使用（并消耗）服务器的密钥；默认关闭"
    ),
    "Anyone may press a job's buttons (always charged to the presser's own keys)": (
        "任何人都可以按任务的按钮（始终由按下者自己的密钥计费）"
    ),
    "NGPU jobs need a BTC address holding AINN in the NGPU keys (none set: refused)": (
        "NGPU 任务要求 NGPU 密钥中的 BTC 地址持有 AINN（未设置地址：拒绝）"
    ),
    "Words refused in any prompt here": "本服务器提示词中禁止使用的词",
    "Ban words (several at once, separated by commas)": "禁用词语（可一次添加多个，用逗号分隔）",
    "The words or phrases, separated by commas": "词或短语，用逗号分隔",
    "Allow banned words again (several at once, separated by commas)": "重新允许禁用的词（可一次多个，用逗号分隔）",
    "Show the banned words": "查看禁用词",
    "Which page of a long list (1 first)": "较长列表的第几页（从 1 开始）",
    "The channels the bot answers in": "机器人回应的频道",
    "Let the bot answer in this channel (then only in the listed ones)": (
        "让机器人在此频道回应（之后只在列出的频道回应）"
    ),
    "The channel": "频道",
    "Stop the bot answering in this channel": "让机器人不再在此频道回应",
    "Show the channels the bot answers in": "查看机器人回应的频道",
    "Let the bot answer in every channel again": "让机器人重新在所有频道回应",
}
