"""``/bot-status``: which services are set up, how many jobs are open, and whether the poller keeps up."""

EN = {
    "status.title": "Bot status",
    "status.services": "Services",
    "status.service_ready": "✅ {service}: {open} open jobs",
    "status.service_missing": "➖ {service}: not set up",
    "status.open_detail": "{waiting} waiting, {running} running, {finishing} being sent",
    "status.poller": "Job poller",
    "status.poller_idle": "✅ No open jobs.",
    "status.poller_next": "✅ Keeping up; next check {when}.",
    "status.poller_behind": "⚠️ Behind: {count} jobs overdue, the oldest since {when}.",
    "status.unknown_values": "Unknown service values",
    "status.unknown_none": "✅ None since the bot started.",
    "status.unknown_line": "• {service} · {field}: {value} ({count}×)",
    "status.unknown_report": (
        "-# Please report these to the bot's maintainers (the log has a warning for each). Jobs that show them stay "
        "open until their deadline; the bot never guesses their outcome."
    ),
}

ZH_CN = {
    "status.title": "机器人状态",
    "status.services": "服务",
    "status.service_ready": "✅ {service}：{open} 个进行中的任务",
    "status.service_missing": "➖ {service}：未配置",
    "status.open_detail": "{waiting} 个等待中，{running} 个绘制中，{finishing} 个正在发送",
    "status.poller": "任务轮询",
    "status.poller_idle": "✅ 没有进行中的任务。",
    "status.poller_next": "✅ 运行正常；下次检查 {when}。",
    "status.poller_behind": "⚠️ 处理滞后：{count} 个任务已逾期，最早的从 {when} 起。",
    "status.unknown_values": "未知的服务返回值",
    "status.unknown_none": "✅ 自机器人启动以来没有。",
    "status.unknown_line": "• {service} · {field}：{value}（{count} 次）",
    "status.unknown_report": (
        "-# 请将这些值报告给机器人的维护者（日志中每个值都有一条警告）。出现这些值的任务会保持进行中直到超时，"
        "机器人不会猜测其结果。"
    ),
}

COMMANDS_ZH_CN = {
    "Services, open jobs and the job poller (Manage Server)": "服务、进行中的任务和任务轮询状态（需要管理服务器权限）",
}
