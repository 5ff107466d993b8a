import type { OfflineReason, Operator, StationStatus } from '../api/types.js'

/** The frame of every page: the app's name, the nav, the header, login, and the words many pages share. */
export const shell = {
  appName: 'e家 · 控制中心',
  nav: {
    fleet: '设备监控',
    duty: '值班',
    alarms: '告警',
    records: '记录',
    stats: '统计',
    config: '配置与指令',
    audit: '审计',
  },
  tier: { district: '区级', town: '镇（街道）级', station: '站点' } satisfies Record<
    Operator['tier'],
    string
  >,
  header: {
    logout: '退出登录',
    scopeDistrict: '全区',
    live: '实时',
    reconnecting: '正在重新连接…',
    activeAlarms: (n: number) => `${n} 条告警未清除`,
  },
  login: {
    title: '控制中心登录',
    subtitle: '村级党群服务站设备与值班监控',
    username: '用户名',
    password: '密码',
    submit: '登录',
    working: '正在登录…',
    badLogin: '用户名或密码不正确',
    locked: '密码错误次数过多，该账号已锁定 15 分钟，请稍后再试',
    unreachable: '无法连接控制中心服务，请检查网络后重试',
    failed: (msg: string) => `登录失败：${msg}`,
  },
  status: {
    online: '在线',
    offline: '离线',
    never: '从未上线',
  } satisfies Record<StationStatus, string>,
  offlineReason: {
    shutdown: '正常关机',
    connectionLost: '连接中断',
    heartbeatTimeout: '心跳超时',
  } satisfies Record<OfflineReason, string>,
  /** The rules of docs/OPERATIONS.md, "Station status", as operators read them. */
  statusRules: {
    title: '状态说明',
    online: (timeoutS: number) =>
      `在线：站点最近一次状态为"在线"，且控制中心在 2.5 个心跳周期（默认 75 秒${timeoutS === 75 ? '' : `，本站 ${timeoutS} 秒`}）内收到过它的任何消息（心跳、事件或状态）。`,
    never: '从未上线：控制中心从未收到过该站点的任何消息。',
    shutdown: '离线·正常关机：一体机程序正常退出。',
    connectionLost: '离线·连接中断：网络断开，消息服务器发布了该站点的遗嘱消息。',
    heartbeatTimeout: '离线·心跳超时：超过 2.5 个心跳周期没有任何消息，可能是程序卡死或网络半断开。',
    reconnect: '站点重新连上后，收到第一条消息即恢复在线。',
  },
  common: {
    none: '—',
    error: (msg: string) => `出错了：${msg}`,
    retry: '重试',
  },
  /** A paged table's page turner (components/Pager.tsx). */
  pager: {
    first: '首页',
    previous: '上一页',
    next: '下一页',
    last: '末页',
    at: (page: number, pages: number, from: number, to: number, total: number) =>
      `第 ${page} / ${pages} 页 · 第 ${from}–${to} 条，共 ${total} 条`,
  },
  age: {
    seconds: (s: number) => `${s} 秒前`,
    minutes: (m: number) => `${m} 分钟前`,
    hours: (h: number) => `${h} 小时前`,
    days: (d: number) => `${d} 天前`,
  },
  duration: {
    seconds: (s: number) => `${s} 秒`,
    minutes: (m: number) => `${m} 分钟`,
    hours: (h: number, m: number) => (m > 0 ? `${h} 小时 ${m} 分` : `${h} 小时`),
    days: (d: number, h: number) => (h > 0 ? `${d} 天 ${h} 小时` : `${d} 天`),
  },
}
