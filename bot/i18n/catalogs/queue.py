"""Texts of the queue: a job's place in line, and why a job that would have to wait was not accepted."""

EN = {
    "queue.waiting_member": (
        "⏳ Waiting for a free slot — you have {running} running here, at most {limit} at once. It starts when one "
        "finishes; your jobs waiting ahead of it: {ahead}."
    ),
    "queue.waiting_daily": (
        "⏳ Waiting for the server's daily allowance — this server's keys have used today's allowance "
        "(jobs per day: {limit}); it resets <t:{reset}:R>. Jobs waiting for it ahead of this one, in the whole "
        "server: {ahead}."
    ),
    "queue.refused_member": (
        "You are at this server's limit of jobs running at once ({running} of {limit}). "
        "Try again when one has finished."
    ),
    "queue.refused_daily": (
        "This server's keys have used up today's allowance of {limit} jobs; it resets <t:{reset}:R>. "
        "Your own keys (/keys set) are not limited by it."
    ),
    "queue.refused_full_member": (
        "The queue is full ({cap} waiting in this server), and you are at this server's limit of jobs running at "
        "once ({running} of {limit}). Try again when one has finished."
    ),
    "queue.refused_full_daily": (
        "The queue is full ({cap} waiting in this server), and this server's keys have used up today's allowance "
        "of {limit} jobs; it resets <t:{reset}:R>. Your own keys (/keys set) are not limited by it."
    ),
}

ZH_CN = {
    "queue.waiting_member": (
        "⏳ 等待空位 — 你在本服务器运行中的任务：{running} 个（最多同时 {limit} 个）。有任务完成后即开始；"
        "排在它前面等待的你的任务：{ahead} 个。"
    ),
    "queue.waiting_daily": (
        "⏳ 等待服务器的每日额度 — 本服务器密钥今天的 {limit} 个任务额度已用完，<t:{reset}:R>重置。"
        "全服务器排在它前面等待额度的任务：{ahead} 个。"
    ),
    "queue.refused_member": (
        "你在本服务器已有 {running} 个任务在运行，本服务器最多允许同时 {limit} 个。请等其中一个完成后再试。"
    ),
    "queue.refused_daily": (
        "本服务器密钥今天的额度（{limit} 个任务）已用完，<t:{reset}:R>重置。"
        "使用你自己的密钥（/keys set）不受此限制。"
    ),
    "queue.refused_full_member": (
        "队列已满（本服务器有 {cap} 个任务在等待），而你在本服务器已有 {running} 个任务在运行（最多同时 {limit} 个）。"
        "请等其中一个完成后再试。"
    ),
    "queue.refused_full_daily": (
        "队列已满（本服务器有 {cap} 个任务在等待），且本服务器密钥今天的额度（{limit} 个任务）已用完，"
        "<t:{reset}:R>重置。使用你自己的密钥（/keys set）不受此限制。"
    ),
}
