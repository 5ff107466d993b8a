/**
 * Every string the kiosk shows, Simplified Chinese first. Screens take their words from
 * here and nowhere else, so wording is reviewed (and one day translated) in one place.
 */
export const zh = {
  appName: 'e家 · 党群服务站',
  online: '网络正常',
  offline: '网络已断开，签到照常进行',
  backlogWaiting: (n: number) => `${n} 条记录待上传`,
  backlogSince: (time: string) => `最早一条：${time}`,
  connecting: '正在连接本机服务…',
  agentUnreachable: '本机服务未响应，请联系值班干部',
  faults: '设备提示',
  weekdays: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  /** Face check-in guidance, by the reason the kiosk agent gives (docs/FACE.md). */
  faceIssue: {
    noFace: '请把脸对准屏幕',
    tooSmall: '请靠近一点',
    tooDark: '光线太暗',
    tooBright: '光线太亮',
    blurred: '请保持不动',
    offAngle: '请正对屏幕',
    severalFaces: '请一位一位来',
    notLive: '请眨眨眼',
  },
  faceFailed: {
    timeout: '没有认出来，请换一种方式签到',
    notRecognised: '没有找到您的登记信息，请刷卡、扫码或找干部帮忙',
    notLive: '请眨眨眼后再试，或换一种方式签到',
  },
} as const
