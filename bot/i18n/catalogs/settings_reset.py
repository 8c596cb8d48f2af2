"""The warning on ``/server-settings show`` when stored rules could not be read and were reset, closed
(``storage.settings``)."""

EN = {
    "settings_reset.warning": (
        "⚠️ Some of this server's settings could not be read and were reset to their most restrictive value: "
        "{fields}. Please set them again."
    ),
    "settings_reset.allowed_services": "allowed services",
    "settings_reset.channel_ids": "channels",
    "settings_reset.max_running_per_member": "running jobs per member",
    "settings_reset.daily_server_key_jobs": "daily jobs on the server's keys",
    "settings_reset.ngpu_requires_ainn": "NGPU requires AINN",
    "settings_reset.server_keys_allowed": "members may use the server's keys",
    "settings_reset.others_may_press": "anyone may press a job's buttons",
    "settings_reset.banned_words": "banned words (the list was lost)",
}

ZH_CN = {
    "settings_reset.warning": "⚠️ 本服务器的部分设置无法读取，已重置为最严格的值：{fields}。请重新设置。",
    "settings_reset.allowed_services": "允许的服务",
    "settings_reset.channel_ids": "频道",
    "settings_reset.max_running_per_member": "每位成员同时运行的任务数",
    "settings_reset.daily_server_key_jobs": "每日使用服务器密钥的任务数",
    "settings_reset.ngpu_requires_ainn": "NGPU 需要持有 AINN",
    "settings_reset.server_keys_allowed": "成员可使用服务器密钥",
    "settings_reset.others_may_press": "任何人都可按任务按钮",
    "settings_reset.banned_words": "违禁词（列表已丢失）",
}
