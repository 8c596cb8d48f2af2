"""``/keys``: members' and servers' own keys for the image services, and the answer when there are none to use."""

EN = {
    "keys.none_to_use": (
        "There are no {service} keys you can use here. Add your own with `/keys set service:{service}`: "
        "they are checked first, only you see the answer, and they are stored encrypted."
    ),
    "keys.unknown_service": "The service “{service}” is not offered on this bot.",
    "keys.modal_title": "{service} keys",
    "keys.server_only_in_a_server": "Server keys can only be managed inside that server.",
    "keys.server_needs_manage_server": "Only members with the Manage Server permission can manage the server's keys.",
    "keys.not_valid": "These do not fit {service}'s keys: {reason}",
    "keys.saved_user": "✅ Your {service} keys work and are saved. Your jobs on {service} now use them.",
    "keys.saved_guild": (
        "✅ The server's {service} keys work and are saved. Members without keys of their own now use them."
    ),
    "keys.rejected": "❌ {service} says these keys do not work: {reason} Nothing was saved.",
    "keys.unchecked": "⚠️ The keys could not be checked: {reason} Nothing was saved; please try again later.",
    "keys.removed_user": "Your {service} keys were removed.",
    "keys.removed_guild": "The server's {service} keys were removed.",
    "keys.none_removed_user": "You had no {service} keys to remove.",
    "keys.none_removed_guild": "This server had no {service} keys to remove.",
    "keys.list_user": "**Your keys**",
    "keys.list_guild": "**This server's keys**",
    "keys.list_empty": "none yet",
    "keys.list_line": "• {service} `{masked}` · {status}",
    "keys.never_used": "not used yet",
    "keys.worked": "last used {when}: worked",
    "keys.failed": "last used {when}: failed ({reason})",
    "keys.failed_no_reason": "last used {when}: failed",
    "keys.list_hint": "Add or replace keys with `/keys set`, remove them with `/keys remove`.",
}

ZH_CN = {
    "keys.none_to_use": (
        "这里没有你可以使用的 {service} 密钥。请用 `/keys set service:{service}` 添加你自己的密钥："
        "保存前会先检查，结果只有你能看到，并且会加密保存。"
    ),
    "keys.unknown_service": "本机器人没有提供服务“{service}”。",
    "keys.modal_title": "{service} 密钥",
    "keys.server_only_in_a_server": "服务器密钥只能在该服务器内管理。",
    "keys.server_needs_manage_server": "只有拥有“管理服务器”权限的成员才能管理服务器密钥。",
    "keys.not_valid": "这些内容不符合 {service} 密钥的要求：{reason}",
    "keys.saved_user": "✅ 你的 {service} 密钥可用，已保存。你在 {service} 上的任务现在会使用它。",
    "keys.saved_guild": "✅ 服务器的 {service} 密钥可用，已保存。没有自己密钥的成员现在会使用它。",
    "keys.rejected": "❌ {service} 表示这些密钥不可用：{reason} 没有保存任何内容。",
    "keys.unchecked": "⚠️ 无法检查这些密钥：{reason} 没有保存任何内容，请稍后再试。",
    "keys.removed_user": "已删除你的 {service} 密钥。",
    "keys.removed_guild": "已删除服务器的 {service} 密钥。",
    "keys.none_removed_user": "你没有可删除的 {service} 密钥。",
    "keys.none_removed_guild": "本服务器没有可删除的 {service} 密钥。",
    "keys.list_user": "**你的密钥**",
    "keys.list_guild": "**本服务器的密钥**",
    "keys.list_empty": "暂无",
    "keys.list_line": "• {service} `{masked}` · {status}",
    "keys.never_used": "尚未使用",
    "keys.worked": "最近使用 {when}：成功",
    "keys.failed": "最近使用 {when}：失败（{reason}）",
    "keys.failed_no_reason": "最近使用 {when}：失败",
    "keys.list_hint": "用 `/keys set` 添加或替换密钥，用 `/keys remove` 删除。",
}

COMMANDS_ZH_CN = {
    "Your own keys for the image services": "你自己的图像服务密钥",
    "Add or replace keys for a service (checked before they are saved)": "添加或替换某个服务的密钥（保存前会先检查）",
    "Show your keys (masked) and whether they worked": "查看你的密钥（已遮盖）以及是否可用",
    "Remove keys for a service": "删除某个服务的密钥",
    "Which image service": "哪个图像服务",
    "Whose keys: just yours, or the whole server's (needs Manage Server)": (
        "谁的密钥：仅你自己，或整个服务器（需要“管理服务器”权限）"
    ),
    "Just me": "仅我自己",
    "This server": "本服务器",
}
