"""``/picpik-app``: the server's Picpik app instances. The Chinese state names are the seed document's own."""

_STATES_EN = {
    "picpik_app.state.1": "running",
    "picpik_app.state.2": "initialising",
    "picpik_app.state.3": "initialising the ComfySrv service",
    "picpik_app.state.4": "Comfy starting",
    "picpik_app.state.5": "shutting down",
    "picpik_app.state.6": "shut down",
    "picpik_app.state.7": "deleting",
    "picpik_app.state.8": "deleted",
    "picpik_app.state.9": "restarting",
    "picpik_app.state.10": "starting",
    "picpik_app.state.-2": "initialisation failed",
    "picpik_app.state.-3": "ComfySrv service initialisation failed",
    "picpik_app.state.-4": "start failed",
    "picpik_app.state.-5": "shutdown failed",
    "picpik_app.state.-6": "delete failed",
    "picpik_app.state.-7": "restart failed",
    "picpik_app.state.-8": "create failed",
    "picpik_app.state.-9": "ComfySrv service interrupted",
    "picpik_app.state.unknown": "unknown state {code}",
    "picpik_app.state.missing": "not listed by Picpik",
    "picpik_app.state.asked": "⏳ asked…",
}

_STATES_ZH_CN = {
    "picpik_app.state.1": "运行中",
    "picpik_app.state.2": "初始化中",
    "picpik_app.state.3": "初始化ComfySrv服务中",
    "picpik_app.state.4": "Comfy启动中",
    "picpik_app.state.5": "关机中",
    "picpik_app.state.6": "已关机",
    "picpik_app.state.7": "删除中",
    "picpik_app.state.8": "已删除",
    "picpik_app.state.9": "重启中",
    "picpik_app.state.10": "启动中",
    "picpik_app.state.-2": "初始化失败",
    "picpik_app.state.-3": "初始化ComfySrv服务失败",
    "picpik_app.state.-4": "启动失败",
    "picpik_app.state.-5": "关机失败",
    "picpik_app.state.-6": "删除失败",
    "picpik_app.state.-7": "重启失败",
    "picpik_app.state.-8": "创建失败",
    "picpik_app.state.-9": "ComfySrv服务中断",
    "picpik_app.state.unknown": "未知状态 {code}",
    "picpik_app.state.missing": "Picpik 未列出",
    "picpik_app.state.asked": "⏳ 已提交…",
}

EN = {
    **_STATES_EN,
    "picpik_app.no_server_keys": (
        "This server has no Picpik keys. A server admin adds them with `/server-settings keys set service:Picpik`: "
        "the app console runs on the server's own Picpik account only."
    ),
    "picpik_app.bad_app_id": "“{app}” is not an app id. Pick one of the suggestions (they come from Picpik).",
    "picpik_app.bad_bundle": (
        "Picpik offers no bundle “{bundle}”. Pick one of the suggestions, or see /picpik-app bundles."
    ),
    "picpik_app.remark_too_long": "A remark can be at most {limit} characters long.",
    "picpik_app.no_app": "This server's Picpik account has no app `{app}`. /picpik-app list shows its apps.",
    "picpik_app.no_apps": "This server's Picpik account has no apps yet. /picpik-app create makes one.",
    "picpik_app.no_bundles": "Picpik offers no bundles right now.",
    "picpik_app.previous": "Previous",
    "picpik_app.next": "Next",
    # bundles
    "picpik_app.bundles_heading": "**Picpik bundles** · page {page} of {pages} · {total} bundles",
    "picpik_app.field.version": "Version",
    "picpik_app.field.region": "Region",
    "picpik_app.field.price": "Price",
    "picpik_app.price": "{price} per hour",
    "picpik_app.price_discounted": "~~{original}~~ **{price}** per hour",
    # apps
    "picpik_app.apps_title": "Picpik apps of this server",
    "picpik_app.apps_footer": "Page {page} of {pages} · {total} apps",
    "picpik_app.apps_footer_partial": (
        "Page {page} of {pages} · {shown} of {total} apps: Picpik did not send the others"
    ),
    "picpik_app.already_start": "`{app}` is already running ({state}): nothing was sent to Picpik.",
    "picpik_app.already_stop": "`{app}` is already shut down ({state}): nothing was sent to Picpik.",
    "picpik_app.app_line": "**{app}** · {remark}\n{bundle} · {address} · {state} · created {created}",
    "picpik_app.no_remark": "no remark",
    "picpik_app.no_address": "no address yet",
    "picpik_app.field.state": "State",
    "picpik_app.field.bundle": "Bundle",
    "picpik_app.field.bundle_id": "Bundle id",
    "picpik_app.field.address": "Address",
    "picpik_app.field.created": "Created",
    "picpik_app.field.api_key": "API key",
    "picpik_app.api_key_hidden": "Hidden. “Show API key” shows it to you alone.",
    "picpik_app.show_key": "Show API key",
    "picpik_app.api_key": (
        "🔑 The API key of `{app}`. Keep it secret: it signs every call to the app's own API.\n```\n{key}\n```"
    ),
    "picpik_app.no_api_key": "Picpik lists no API key for this app.",
    # remark
    "picpik_app.remark_title": "App remark",
    "picpik_app.remark_label": "Remark of {app}",
    "picpik_app.remark_hint": "Empty clears the remark",
    "picpik_app.remark_hint_unknown": "Picpik did not say the current remark: empty keeps it",
    "picpik_app.remark_kept": (
        "Nothing was changed: Picpik did not say the current remark of `{app}` when the form opened, so an empty "
        "form keeps it. Open the form again to see it, or to clear it."
    ),
    "picpik_app.remark_saved": "✅ The remark of `{app}` is now “{remark}”.",
    "picpik_app.remark_cleared": "✅ The remark of `{app}` is cleared.",
    # delete
    "picpik_app.delete_confirm": "Delete the app `{app}` ({what})? Picpik removes it for good.",
    "picpik_app.delete_not_shut_down": (
        "`{app}` is {state}. Picpik deletes only apps that are shut down: stop it first, then delete it."
    ),
    "picpik_app.delete_confirm_failed": "`{app}` is {state}. Delete it ({what})? Picpik removes it for good.",
    "picpik_app.delete_wait": (
        "`{app}` is {state}. Once it settles (running, shut down or failed), /picpik-app delete offers what can be "
        "done."
    ),
    "picpik_app.delete_wait_5": "`{app}` is {state}. Once it is shut down, it can be deleted.",
    "picpik_app.delete_wait_7": "`{app}` is {state} already.",
    "picpik_app.delete_wait_8": "`{app}` is {state} already.",
    "picpik_app.delete_button": "Delete",
    "picpik_app.delete_now_button": "Delete now",
    "picpik_app.stop_button": "Stop it first",
    "picpik_app.cancel_button": "Cancel",
    "picpik_app.not_yours": "Only <@{owner}>, who asked, can answer this.",
    "picpik_app.cancelled": "Cancelled: nothing was changed.",
    "picpik_app.confirmed": "{action} `{app}`: the message below follows it.",
    # actions
    "picpik_app.sending": "⏳ Asking Picpik…",
    "picpik_app.action.create": "Create",
    "picpik_app.action.start": "Start",
    "picpik_app.action.stop": "Stop",
    "picpik_app.action.restart": "Restart",
    "picpik_app.action.delete": "Delete",
    "picpik_app.subject_app": "Picpik app",
    "picpik_app.not_created": "❌ not created: {reason}",
    "picpik_app.nothing_created": "❌ No app was created.",
    "picpik_app.not_reached": "❌ did not reach {wanted} (it is {now})",
    "picpik_app.never_moved": "❌ Picpik never showed it {under_way} (it is still {now})",
    "picpik_app.last_seen": "last seen: {state}",
    "picpik_app.service_says": "Picpik says: “{words}”",
    "picpik_app.waiting": "⏳ Waiting for Picpik to act on it…",
    "picpik_app.reason.timeout": (
        "⌛ Stopped following: the app did not settle in time. /picpik-app list shows where it is now."
    ),
    "picpik_app.reason.submit_unknown": (
        "❔ Picpik's answer was lost, so the bot cannot tell whether this happened. /picpik-app list shows the apps."
    ),
    "picpik_app.reason.not_found": "Picpik does not know that app or bundle.",
}

ZH_CN = {
    **_STATES_ZH_CN,
    "picpik_app.no_server_keys": (
        "本服务器没有 Picpik 密钥。服务器管理员可用 `/server-settings keys set service:Picpik` 添加："
        "应用控制台只使用服务器自己的 Picpik 账户。"
    ),
    "picpik_app.bad_app_id": "“{app}”不是应用 ID。请从建议中选择（它们来自 Picpik）。",
    "picpik_app.bad_bundle": "Picpik 没有应用包“{bundle}”。请从建议中选择，或查看 /picpik-app bundles。",
    "picpik_app.remark_too_long": "备注最多 {limit} 个字符。",
    "picpik_app.no_app": "本服务器的 Picpik 账户没有应用 `{app}`。/picpik-app list 可列出所有应用。",
    "picpik_app.no_apps": "本服务器的 Picpik 账户还没有应用。可用 /picpik-app create 创建。",
    "picpik_app.no_bundles": "Picpik 目前没有可用的应用包。",
    "picpik_app.previous": "上一页",
    "picpik_app.next": "下一页",
    "picpik_app.bundles_heading": "**Picpik 应用包** · 第 {page}/{pages} 页 · 共 {total} 个",
    "picpik_app.field.version": "版本",
    "picpik_app.field.region": "地域",
    "picpik_app.field.price": "价格",
    "picpik_app.price": "每小时 {price}",
    "picpik_app.price_discounted": "每小时 ~~{original}~~ **{price}**",
    "picpik_app.apps_title": "本服务器的 Picpik 应用",
    "picpik_app.apps_footer": "第 {page}/{pages} 页 · 共 {total} 个应用",
    "picpik_app.apps_footer_partial": "第 {page}/{pages} 页 · 共 {total} 个应用，Picpik 只返回了其中 {shown} 个",
    "picpik_app.already_start": "`{app}` 已在运行（{state}）：没有向 Picpik 发送任何请求。",
    "picpik_app.already_stop": "`{app}` 已经关机（{state}）：没有向 Picpik 发送任何请求。",
    "picpik_app.app_line": "**{app}** · {remark}\n{bundle} · {address} · {state} · 创建于 {created}",
    "picpik_app.no_remark": "无备注",
    "picpik_app.no_address": "暂无地址",
    "picpik_app.field.state": "状态",
    "picpik_app.field.bundle": "应用包",
    "picpik_app.field.bundle_id": "应用包 ID",
    "picpik_app.field.address": "访问地址",
    "picpik_app.field.created": "创建时间",
    "picpik_app.field.api_key": "API Key",
    "picpik_app.api_key_hidden": "已隐藏。点“显示 API Key”仅向你本人显示。",
    "picpik_app.show_key": "显示 API Key",
    "picpik_app.api_key": "🔑 `{app}` 的 API Key。请妥善保管：它用于签名对该应用自身 API 的每次调用。\n```\n{key}\n```",
    "picpik_app.no_api_key": "Picpik 没有列出此应用的 API Key。",
    "picpik_app.remark_title": "应用备注",
    "picpik_app.remark_label": "{app} 的备注",
    "picpik_app.remark_hint": "留空即清除备注",
    "picpik_app.remark_hint_unknown": "Picpik 未返回当前备注：留空则保持不变",
    "picpik_app.remark_kept": (
        "没有做任何更改：打开表单时 Picpik 未返回 `{app}` 的当前备注，因此留空的表单会保留原备注。"
        "请重新打开表单查看或清除备注。"
    ),
    "picpik_app.remark_saved": "✅ `{app}` 的备注已改为“{remark}”。",
    "picpik_app.remark_cleared": "✅ `{app}` 的备注已清除。",
    "picpik_app.delete_confirm": "删除应用 `{app}`（{what}）？Picpik 会将其永久移除。",
    "picpik_app.delete_not_shut_down": "`{app}` 当前为{state}。Picpik 只能删除已关机的应用：请先关机，再删除。",
    "picpik_app.delete_confirm_failed": "`{app}` 当前为{state}。删除它（{what}）？Picpik 会将其永久移除。",
    "picpik_app.delete_wait": (
        "`{app}` 当前为{state}。待其进入稳定状态（运行中、已关机或失败）后，/picpik-app delete 会给出可用的操作。"
    ),
    "picpik_app.delete_wait_5": "`{app}` 当前为{state}。关机完成后即可删除。",
    "picpik_app.delete_wait_7": "`{app}` 已经是{state}。",
    "picpik_app.delete_wait_8": "`{app}` 已经是{state}。",
    "picpik_app.delete_button": "删除",
    "picpik_app.delete_now_button": "立即删除",
    "picpik_app.stop_button": "先关机",
    "picpik_app.cancel_button": "取消",
    "picpik_app.not_yours": "只有发起请求的 <@{owner}> 可以操作。",
    "picpik_app.cancelled": "已取消：没有做任何更改。",
    "picpik_app.confirmed": "{action} `{app}`：下方消息会跟进进度。",
    "picpik_app.sending": "⏳ 正在请求 Picpik…",
    "picpik_app.action.create": "创建",
    "picpik_app.action.start": "启动",
    "picpik_app.action.stop": "关机",
    "picpik_app.action.restart": "重启",
    "picpik_app.action.delete": "删除",
    "picpik_app.subject_app": "Picpik 应用",
    "picpik_app.not_created": "❌ 未创建：{reason}",
    "picpik_app.nothing_created": "❌ 没有创建任何应用。",
    "picpik_app.not_reached": "❌ 未能达到“{wanted}”（当前：{now}）",
    "picpik_app.never_moved": "❌ Picpik 始终未显示其进入“{under_way}”（当前仍为：{now}）",
    "picpik_app.last_seen": "最后状态：{state}",
    "picpik_app.service_says": "Picpik 返回：“{words}”",
    "picpik_app.waiting": "⏳ 正在等待 Picpik 执行…",
    "picpik_app.reason.timeout": "⌛ 已停止跟进：应用未能按时进入稳定状态。/picpik-app list 可查看其当前状态。",
    "picpik_app.reason.submit_unknown": (
        "❔ 未收到 Picpik 的回复，无法确定操作是否已执行。/picpik-app list 可查看应用。"
    ),
    "picpik_app.reason.not_found": "Picpik 不认识该应用或应用包。",
}

COMMANDS_ZH_CN = {
    "Manage this server's Picpik app instances (Manage Server)": "管理本服务器的 Picpik 应用实例（需要管理服务器权限）",
    "Every Picpik bundle an app can be created from, with prices": "可用于创建应用的所有 Picpik 应用包及价格",
    "Create app instances from a bundle (billed by the hour)": "用应用包创建应用实例（按小时计费）",
    "The bundle (from Picpik's list)": "应用包（来自 Picpik 的列表）",
    "The region to create them in": "创建实例的地域",
    "How many apps (1–10)": "创建数量（1–10）",
    "A note to recognise them by": "便于辨认的备注",
    "All of this server's Picpik apps and their states": "本服务器的所有 Picpik 应用及其状态",
    "One app in full": "查看一个应用的全部信息",
    "The app (from this server's Picpik account)": "应用（来自本服务器的 Picpik 账户）",
    "Change an app's remark": "修改应用备注",
    "Start an app": "启动应用",
    "Shut an app down": "关闭应用",
    "Restart an app": "重启应用",
    "Delete an app (one that may still be up is stopped first)": "删除应用（可能仍在运行的应用须先关机）",
}
