"""The message every job keeps up to date: its heading, its progress and, when it fails, why."""

EN = {
    "jobs.no_prompt": "(no prompt)",
    "jobs.upscale_of": "Image #{index}",
    "jobs.upscale": "Upscale",
    "jobs.variation_of": "Variations of image #{index}",
    "jobs.variation": "Variations",
    "jobs.remix_of": "Remix of image #{index}",
    "jobs.remix": "Remix",
    "jobs.reroll": "Re-roll",
    "jobs.blend": "Blend",
    "jobs.describe": "Describe",
    "jobs.waiting": "⏳ Waiting to start…",
    "jobs.drawing": "🎨 Drawing…",
    "jobs.drawing_percent": "🎨 Drawing… {percent} %",
    "jobs.reading": "🔍 Reading the image…",
    "jobs.reason.invalid_input": "{service} did not accept the request.",
    "jobs.reason.unsupported": "{service} cannot do this.",
    "jobs.reason.auth": "{service} refused the keys. Check them with /keys list (or ask a server admin).",
    "jobs.reason.not_found": "{service} no longer knows this job.",
    "jobs.reason.rate_limited": "{service} is getting too many requests right now. Try again in a minute.",
    "jobs.reason.moderation": (
        "{service} refused the prompt or image on content grounds. Rephrase it and try again."
    ),
    "jobs.reason.quota": "The {service} account is out of credit or over its quota.",
    "jobs.reason.account": (
        "The {service} account cannot use the API (not enabled, disabled or not allowed from here)."
    ),
    "jobs.reason.server": "{service} had a problem on its side. Try again later.",
    "jobs.reason.timeout": "{service} did not finish in time.",
    "jobs.reason.connection": "{service} could not be reached. Try again later.",
    "jobs.reason.decode": "{service} answered something the bot could not understand.",
    "jobs.reason.submit_unknown": (
        "It is not known whether {service} received this job (the request timed out or the bot restarted). "
        "It was not sent again, so you are not charged twice."
    ),
    "jobs.reason.job_failed": "{service} could not finish the images.",
    "jobs.reason.not_configured": "{service} is not set up on this bot any more.",
    "jobs.reason.undeliverable": "The result could not be shown.",
    "jobs.reason.image_unusable": "{service} finished, but its images could not be used.",
    "jobs.reason.keys_removed": "The {service} keys this job was started with were removed before it finished.",
    "jobs.reason.image_refused": "The bot did not send this job to {service}: an attached image cannot be used.",
    "jobs.reason.unknown": "{service} could not finish this job.",
}

ZH_CN = {
    "jobs.no_prompt": "（无提示词）",
    "jobs.upscale_of": "第 {index} 张",
    "jobs.upscale": "放大",
    "jobs.variation_of": "第 {index} 张的变体",
    "jobs.variation": "变体",
    "jobs.remix_of": "第 {index} 张的改写变体",
    "jobs.remix": "改写变体",
    "jobs.reroll": "重新生成",
    "jobs.blend": "混合",
    "jobs.describe": "图生文",
    "jobs.waiting": "⏳ 排队等待中…",
    "jobs.drawing": "🎨 绘制中…",
    "jobs.drawing_percent": "🎨 绘制中… {percent} %",
    "jobs.reading": "🔍 正在识别图片…",
    "jobs.reason.invalid_input": "{service} 没有接受这个请求。",
    "jobs.reason.unsupported": "{service} 不支持此操作。",
    "jobs.reason.auth": "{service} 拒绝了所用的密钥。请用 /keys list 检查（或联系服务器管理员）。",
    "jobs.reason.not_found": "{service} 已找不到这个任务。",
    "jobs.reason.rate_limited": "{service} 当前请求过多，请一分钟后再试。",
    "jobs.reason.moderation": "{service} 因内容原因拒绝了提示词或图片，请修改后重试。",
    "jobs.reason.quota": "{service} 账户余额不足或已超出配额。",
    "jobs.reason.account": "{service} 账户无法使用该 API（未开通、已停用或不允许从此处访问）。",
    "jobs.reason.server": "{service} 服务端出现问题，请稍后再试。",
    "jobs.reason.timeout": "{service} 未能按时完成。",
    "jobs.reason.connection": "无法连接 {service}，请稍后再试。",
    "jobs.reason.decode": "{service} 返回了机器人无法理解的内容。",
    "jobs.reason.submit_unknown": (
        "无法确定 {service} 是否收到了这个任务（请求超时或机器人重启）。任务没有重复发送，因此不会重复扣费。"
    ),
    "jobs.reason.job_failed": "{service} 未能完成图片。",
    "jobs.reason.not_configured": "本机器人已不再配置 {service}。",
    "jobs.reason.undeliverable": "无法显示结果。",
    "jobs.reason.image_unusable": "{service} 已完成，但其图片无法使用。",
    "jobs.reason.keys_removed": "启动此任务所用的 {service} 密钥在任务完成前已被删除。",
    "jobs.reason.image_refused": "机器人没有把这个任务发送给 {service}：附上的图片无法使用。",
    "jobs.reason.unknown": "{service} 未能完成这个任务。",
}
