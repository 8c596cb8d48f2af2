"""``/keys``: members' and servers' own keys for the image services, and the answer when there are none to use.

The keys form's inputs are named ``keys.field.<service>.<field>`` (the label) and ``….help`` (the line under it);
a service without them here shows its credentials model's English ``title`` and ``description``.
``keys.kind.<kind>`` words each failure kind (``providers.core.errors.ErrorKind``) for ``/keys list``.
"""

EN = {
    "keys.none_to_use": (
        "There are no {service} keys you can use here. Add your own with `/keys set service:{service}`: "
        "they are checked first, only you see the answer, and they are stored encrypted."
    ),
    "keys.unknown_service": "The service “{service}” is not offered on this bot.",
    "keys.modal_title_user": "Your {service} keys",
    "keys.modal_title_guild": "This server's {service} keys",
    "keys.optional_placeholder": "Optional: leave empty if you have none",
    "keys.server_only_in_a_server": "Server keys can only be managed inside that server.",
    "keys.server_needs_manage_server": "Only members with the Manage Server permission can manage the server's keys.",
    "keys.not_valid": "These do not fit {service}'s keys: {reason}",
    "keys.saved_user": "✅ Your {service} keys work and are saved. Your jobs on {service} now use them.",
    "keys.saved_guild_shared": (
        "✅ The server's {service} keys work and are saved. Members without {service} keys of their own now use them."
    ),
    "keys.saved_guild_not_shared": (
        "✅ The server's {service} keys work and are saved. Members do not use them for their jobs yet: that switch "
        "is off (`/server-settings switches server_keys:True` turns it on)."
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
    "keys.list_more": "… and {count} more",
    "keys.never_used": "not used yet",
    "keys.used": "last used {when}",
    "keys.worked": "last used {when}: worked",
    "keys.keys_refused": "last used {when}: the keys were refused ({reason})",
    "keys.call_failed": "last used {when}: failed ({reason}); the keys themselves were accepted",
    "keys.call_unanswered": "last used {when}: failed ({reason}); the service did not get to judge the keys",
    "keys.call_failed_unjudged": "last used {when}: failed ({reason})",
    "keys.failed_no_reason": "last used {when}: failed",
    "keys.list_hint": "Add or replace keys with `/keys set`, remove them with `/keys remove`.",
    "keys.list_hint_guild": (
        "The server's keys: `/server-settings keys set`, `/server-settings keys list`, `/server-settings keys remove`."
    ),
    # why the keys were not saved, when the service's own words have no translation: the kind of failure
    "keys.reason_kind": "{kind}.",
    "keys.edge_spaces": (
        "Note: your {field} starts or ends with a space, kept as typed (a password may have one); if the paste added "
        "it, try again without it."
    ),
    # what went wrong with a key's last call, by failure kind
    "keys.kind.invalid_input": "the request was not valid",
    "keys.kind.unsupported": "not something the service can do",
    "keys.kind.auth": "not accepted by the service",
    "keys.kind.not_found": "something asked for was not found",
    "keys.kind.rate_limited": "too many requests at the time",
    "keys.kind.moderation": "the service's moderation refused the prompt",
    "keys.kind.quota": "out of credit or quota",
    "keys.kind.account": "a problem with the account",
    "keys.kind.server": "an error at the service",
    "keys.kind.timeout": "the service did not answer in time",
    "keys.kind.connection": "the service could not be reached",
    "keys.kind.decode": "the service's answer could not be read",
    "keys.kind.submit_unknown": "unknown whether the job reached the service",
    "keys.kind.job_failed": "the job failed at the service",
    "keys.kind.unknown": "an error",
    # the keys form: one label and one line of help per credential field
    "keys.field.picpik.public_key": "Public key",
    "keys.field.picpik.public_key.help": "The PublicKey shown in the Picpik user centre (API keys).",
    "keys.field.picpik.private_key": "Private key",
    "keys.field.picpik.private_key.help": "The PrivateKey paired with the public key: it signs requests, never sent.",
    "keys.field.midjourney.username": "Username",
    "keys.field.midjourney.username.help": "The user name of your account on the Midjourney-style job API.",
    "keys.field.midjourney.password": "Password",
    "keys.field.midjourney.password.help": "The password of that account: only sent to the service's login.",
    "keys.field.jumdata.app_id": "App ID",
    "keys.field.jumdata.app_id.help": "The appId Jumdata (聚美智数) assigned to your account.",
    "keys.field.jumdata.app_secret": "App secret",
    "keys.field.jumdata.app_secret.help": "The appSecret that goes with the App ID: it only signs requests.",
    "keys.field.ngpu.workspace_id": "Workspace ID",
    "keys.field.ngpu.workspace_id.help": "The id of your NGPU workspace (sent as the Bearer token).",
    "keys.field.ngpu.btc_address": "BTC address (optional)",
    "keys.field.ngpu.btc_address.help": "When set, NGPU checks that this address holds the AINN inscription.",
}

ZH_CN = {
    "keys.none_to_use": (
        "这里没有你可以使用的 {service} 密钥。请用 `/keys set service:{service}` 添加你自己的密钥："
        "保存前会先检查，结果只有你能看到，并且会加密保存。"
    ),
    "keys.unknown_service": "本机器人没有提供服务“{service}”。",
    "keys.modal_title_user": "你的 {service} 密钥",
    "keys.modal_title_guild": "本服务器的 {service} 密钥",
    "keys.optional_placeholder": "可选：没有就留空",
    "keys.server_only_in_a_server": "服务器密钥只能在该服务器内管理。",
    "keys.server_needs_manage_server": "只有拥有“管理服务器”权限的成员才能管理服务器密钥。",
    "keys.not_valid": "这些内容不符合 {service} 密钥的要求：{reason}",
    "keys.saved_user": "✅ 你的 {service} 密钥可用，已保存。你在 {service} 上的任务现在会使用它。",
    "keys.saved_guild_shared": "✅ 服务器的 {service} 密钥可用，已保存。没有自己 {service} 密钥的成员现在会使用它。",
    "keys.saved_guild_not_shared": (
        "✅ 服务器的 {service} 密钥可用，已保存。成员的任务暂时不会使用它：该开关目前是关闭的"
        "（用 `/server-settings switches server_keys:True` 打开）。"
    ),
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
    "keys.list_more": "……另有 {count} 项",
    "keys.never_used": "尚未使用",
    "keys.used": "最近使用 {when}",
    "keys.worked": "最近使用 {when}：成功",
    "keys.keys_refused": "最近使用 {when}：密钥被拒绝（{reason}）",
    "keys.call_failed": "最近使用 {when}：失败（{reason}）；密钥本身是被接受的",
    "keys.call_unanswered": "最近使用 {when}：失败（{reason}）；服务未能对密钥作出判断",
    "keys.call_failed_unjudged": "最近使用 {when}：失败（{reason}）",
    "keys.failed_no_reason": "最近使用 {when}：失败",
    "keys.list_hint": "用 `/keys set` 添加或替换密钥，用 `/keys remove` 删除。",
    "keys.list_hint_guild": (
        "服务器密钥：`/server-settings keys set`、`/server-settings keys list`、`/server-settings keys remove`。"
    ),
    "keys.reason_kind": "{kind}。",
    "keys.edge_spaces": (
        "注意：你的{field}开头或结尾有空格，已按原样保留（密码可能含有空格）；如果是粘贴时带上的，请去掉后再试。"
    ),
    "keys.kind.invalid_input": "请求无效",
    "keys.kind.unsupported": "该服务不支持此操作",
    "keys.kind.auth": "服务不接受这些密钥",
    "keys.kind.not_found": "请求的内容不存在",
    "keys.kind.rate_limited": "当时请求过多",
    "keys.kind.moderation": "服务的内容审核拒绝了提示词",
    "keys.kind.quota": "余额或额度不足",
    "keys.kind.account": "账号有问题",
    "keys.kind.server": "服务出错",
    "keys.kind.timeout": "服务未能及时响应",
    "keys.kind.connection": "无法连接到服务",
    "keys.kind.decode": "无法读取服务的响应",
    "keys.kind.submit_unknown": "无法确定任务是否已送达服务",
    "keys.kind.job_failed": "任务在服务端失败",
    "keys.kind.unknown": "出错",
    "keys.field.picpik.public_key": "公钥（PublicKey）",
    "keys.field.picpik.public_key.help": "Picpik 用户中心（API 密钥）中显示的 PublicKey。",
    "keys.field.picpik.private_key": "私钥（PrivateKey）",
    "keys.field.picpik.private_key.help": "与公钥配对的 PrivateKey：只用于签名请求，从不发送。",
    "keys.field.midjourney.username": "用户名",
    "keys.field.midjourney.username.help": "你在 Midjourney 风格任务 API 上的账号用户名。",
    "keys.field.midjourney.password": "密码",
    "keys.field.midjourney.password.help": "该账号的密码：只会发送到该服务的登录接口。",
    "keys.field.jumdata.app_id": "应用 ID（appId）",
    "keys.field.jumdata.app_id.help": "聚美智数（Jumdata）为你的账号分配的 appId。",
    "keys.field.jumdata.app_secret": "应用密钥（appSecret）",
    "keys.field.jumdata.app_secret.help": "与应用 ID 配套的 appSecret：只用于签名请求。",
    "keys.field.ngpu.workspace_id": "工作空间 ID",
    "keys.field.ngpu.workspace_id.help": "你的 NGPU 工作空间 ID（作为 Bearer 令牌发送）。",
    "keys.field.ngpu.btc_address": "BTC 地址（可选）",
    "keys.field.ngpu.btc_address.help": "填写后，NGPU 会检查该地址是否持有 AINN 铭文。",
}

COMMANDS_ZH_CN = {
    "Your own keys for the image services": "你自己的图像服务密钥",
    "Add or replace keys for a service (checked before they are saved)": "添加或替换某个服务的密钥（保存前会先检查）",
    "Show your keys (masked) and how their last use went": "查看你的密钥（已遮盖）以及最近一次使用的结果",
    "Remove keys for a service": "删除某个服务的密钥",
    "Which image service": "哪个图像服务",
    "Whose keys: yours, or the server's (Manage Server; also /server-settings keys)": (
        "谁的密钥：你自己的，或服务器的（需要“管理服务器”权限；也可用 /server-settings keys）"
    ),
    "The server's keys for the image services": "本服务器的图像服务密钥",
    "Add or replace the server's keys for a service (checked first)": "添加或替换本服务器某个服务的密钥（会先检查）",
    "Show the server's keys (masked) and how their last use went": "查看本服务器的密钥（已遮盖）以及最近一次使用的结果",
    "Remove the server's keys for a service": "删除本服务器某个服务的密钥",
    "Just me": "仅我自己",
    "This server": "本服务器",
}
