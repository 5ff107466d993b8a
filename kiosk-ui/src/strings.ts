import type { FaceIssue, Fallback, Method, UnknownReason } from './api/types.js'

/**
 * Every string the kiosk shows or speaks, Simplified Chinese first. Screens take their words from
 * here and nowhere else, so wording is reviewed (and one day translated) in one place.
 */
export const zh = {
  appName: 'e家 · 党群服务站',
  weekdays: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  common: {
    back: '返回',
    home: '回到首页',
    retry: '再试一次',
    next: '下一步',
    confirm: '确定',
    done: '完成',
    wait: '请稍候…',
    del: '退格',
    clear: '清空',
    nextPerson: '下一位',
    otherWays: '换一种方式',
  },
  banner: {
    online: '网络正常',
    offline: '网络已断开，签到照常进行',
    offlineSince: (time: string) => `（${time} 起）`,
    backlogWaiting: (n: number) => `${n} 条记录待上传`,
    backlogSince: (time: string) => `最早一条：${time}`,
    connecting: '正在连接本机服务…',
    agentUnreachable: '本机服务未响应，请联系值班干部',
  },
  idle: {
    today: '今日活动',
    noActivity: '今天没有安排活动，来了也可以签到',
    nextThemeDay: (month: number, day: number, inDays: number) =>
      `下次主题党日：${month}月${day}日（还有 ${inDays} 天）`,
    themeDayToday: '今天是主题党日',
    hours: (h: number) => `${h} 学时`,
    duty: '今日值班',
    noShift: '今天不排班',
    onDuty: '在岗',
    nobodyOnDuty: '还没有人打卡上班',
    deviceTrouble: (what: string) => `${what}暂时不能用，请用其他方式签到`,
    admin: '管理',
  },
  /** What each way of signing in is called on its button, with a line of help under it. */
  methods: {
    face: { label: '刷脸签到', hint: '看着屏幕就行' },
    card: { label: '刷卡', hint: '把卡放在读卡区' },
    qr: { label: '扫码', hint: '二维码对准扫码口' },
    fingerprint: { label: '按指纹', hint: '手指按在指纹区' },
    duty: { label: '值班打卡', hint: '干部上班、下班' },
    study: { label: '我的学时', hint: '查看今年学习时长' },
    pin: { label: '密码签到', hint: '' },
    vouch: { label: '干部代签', hint: '' },
  },
  /** The device kind in a sentence ("读卡器暂时不能用"). */
  deviceKind: { card: '读卡器', qr: '扫码器', fingerprint: '指纹仪', camera: '摄像头' } as Record<
    string,
    string
  >,
  fallbacks: { card: '刷卡', qr: '扫码', pin: '密码签到', vouch: '找干部代签' } satisfies Record<
    Fallback,
    string
  >,
  flows: { checkin: '签到', duty: '值班打卡', lookup: '查看学时' },
  face: {
    title: '刷脸签到',
    checking: '正在打开摄像头…',
    off: '本机暂未开通刷脸签到，请用下面的方式',
    cameraFailed: '摄像头打不开，请用下面的方式',
    lookHere: '请看着屏幕',
    holdStill: '很好，请保持不动…',
    progress: (n: number, of: number) => `正在识别 ${n}/${of}`,
    blink: '请眨眨眼',
    turn: '请慢慢转一下头',
  },
  /** Face check-in guidance, by the reason the kiosk agent gives (docs/FACE.md). */
  faceIssue: {
    noFace: '请把脸对准屏幕',
    tooSmall: '请靠近一点',
    tooDark: '光线太暗',
    tooBright: '光线太亮',
    blurred: '请保持不动',
    offAngle: '请正对屏幕',
    severalFaces: '请一位一位来',
  } satisfies Record<FaceIssue, string>,
  faceFailed: {
    timeout: '没有认出来，请换一种方式签到',
    notRecognised: '没有找到您的人脸登记，请刷卡、扫码或找干部帮忙',
    notLive: '请眨眨眼后再试，或换一种方式签到',
  },
  reader: {
    title: { card: '刷卡', qr: '扫码', fingerprint: '按指纹' },
    prompt: { card: '请把卡放在读卡区', qr: '请把二维码对准扫码口', fingerprint: '请按手指' },
    waiting: '等待中…',
    alsoCard: '刷卡也可以，直接把卡放在读卡区',
  },
  result: {
    checkin: '签到成功',
    dutyIn: '上班打卡成功',
    dutyOut: '下班打卡成功',
    repeatIn: '已打过上班卡',
    repeatOut: '已打过下班卡',
    repeatAt: (time: string) => `${time} 已经打过，这次不重复计`,
    failed: '没有签上',
    shift: (from: string, to: string) => `班次 ${from}–${to}`,
    late: (min: number) => `迟到 ${min} 分钟`,
    early: (min: number) => `早退 ${min} 分钟`,
    onTime: '准时',
    noShift: '今天没有您的班次',
    at: (time: string) => `时间 ${time}`,
    by: {
      face: '刷脸',
      card: '刷卡',
      qr: '扫码',
      fingerprint: '指纹',
      pin: '密码',
      vouch: '干部代签',
    } satisfies Record<Method, string>,
    reenrol: '您的人脸照片有些旧了，请找干部重新登记',
  },
  enrolCheck: {
    title: '登记核对',
    ok: (stationId: string) => `本机已登记为 ${stationId}`,
    failed: '登记表与本机不符',
    problem: {
      station: (installed: string, sheet: string) => `本机安装的是站点 ${installed}，登记表是站点 ${sheet}`,
      hub: (installed: string, sheet: string) => `本机连接 ${installed}，登记表写的是 ${sheet}`,
      ca: '本机的证书与登记表的不是同一个区',
      malformed: '这个二维码读不出来，不是有效的登记码',
    },
    contact: '请联系区里重新安装',
  },
  unknownReason: {
    notOnRoster: '没有找到您的登记信息',
    badToken: '二维码无效或已过期',
    badPin: '密码不对，请再输一次',
    pinLocked: '密码错误次数太多，已锁定 5 分钟，请换一种方式',
  } satisfies Record<UnknownReason, string>,
  study: {
    title: '我的学时',
    prompt: '请刷卡、刷脸或输入密码，查看您今年的学时',
    doneOf: (done: number, target: number) => `今年已学 ${done} 小时 / 全年 ${target} 小时`,
    dueByNow: (h: number) => `到今天应学 ${h} 小时`,
    behind: (h: number) => `您的学时落后 ${h} 小时，请及时参加学习`,
    onTrack: '学时进度正常，请继续保持',
    complete: '今年学时已完成，谢谢您',
    asOf: (date: string) => `统计截至 ${date}`,
    none: '没有您的学时记录（学时只统计党员）',
    hoursUnit: '小时',
  },
  duty: {
    title: '值班打卡',
    prompt: '请刷卡，或选择刷脸、密码打卡',
    face: '刷脸打卡',
    pin: '密码打卡',
    onDutyNow: '现在在岗',
  },
  pin: {
    title: '密码签到',
    enterId: '请输入您的编号',
    idHint: '编号在卡片或名册上，输入“-”后面的部分，例如 m001',
    enterPin: (name: string) => `${name}，请输入密码`,
    pinHint: '密码是 4 到 8 位数字',
    notFound: '没有找到这个编号，请核对后再输',
    letters: { m: '党员', c: '干部', v: '群众' } as Record<string, string>,
  },
  vouch: {
    title: '干部代签',
    cadreId: '请干部输入自己的编号',
    cadrePin: (name: string) => `${name}，请输入您的密码`,
    personId: '请输入被代签人的编号',
    photo: '请拍一张现场照片留证',
    photoHint: '请被代签人站在摄像头前',
    take: '拍照',
    retake: '重拍',
    check: (name: string) => `请核对照片上是 ${name} 本人`,
    confirm: (name: string) => `确认为 ${name} 代签`,
    noCamera: '摄像头打不开，不能代签；请用其他方式',
  },
  cadre: {
    enterId: '请输入干部编号',
    enterPin: (name: string) => `${name}，请输入密码`,
  },
  enrol: {
    title: '人脸登记',
    personId: '请输入要登记人的编号',
    capture: '请看着屏幕，正在拍照',
    captured: (n: number, of: number) => `已拍 ${n}/${of} 张`,
    sending: '正在保存…',
    done: (name: string) => `${name} 的人脸登记成功`,
    refused: '已记录：不同意。不影响签到，刷卡、扫码、密码都可以用',
    faceOff: '本机暂未开通刷脸签到，不能登记人脸',
    again: '重新拍照',
  },
  /**
   * The consent text shown before enrolment, accepted on its own screen (PIPL art. 14, 28–29:
   * separate consent for sensitive data; the 2025 face-recognition rules: say what is kept
   * where and for how long (PIPL art. 17, 19), offer other ways). Its version is recorded with
   * each decision; change the version whenever the words change. 2025.2 added how long the
   * data is kept (issue 10): the station's face.retentionDays, from GET /api/face.
   */
  consent: {
    version: 'face-consent-zh-2025.2',
    title: '人脸识别签到 知情同意',
    paragraphs: (retentionDays: number) => [
      '为了方便您在本服务站签到、值班打卡和查看学时，本机可以用人脸识别确认您是谁。',
      '登记时拍 3 到 5 张您的面部照片，算出一组人脸特征数据。照片算完立即丢弃，不保存、不上传。',
      '人脸特征数据只加密保存在这台签到机上，不上传到镇里、区里或任何地方；上传的只有签到记录。',
      `连续 ${retentionDays} 天没有用人脸签到，或您不在本站名册上了，本机会自动删除您的人脸特征数据。`,
      '您可以随时撤回同意，请值班干部在本机删除您的人脸数据，删除后无法恢复。',
      '不用人脸也能签到：刷卡、扫码、密码签到和干部代签一直可以用。不同意不影响您参加任何活动。',
      '依据：《中华人民共和国个人信息保护法》《人脸识别技术应用安全管理办法》。',
    ],
    versionLabel: (v: string) => `文本版本 ${v}`,
    agree: '同意',
    refuse: '不同意',
  },
  admin: {
    title: '管理',
    devices: '设备状态',
    kind: { card: '读卡器', qr: '扫码器', fingerprint: '指纹仪' } as Record<string, string>,
    ok: '正常',
    noDevices: '没有配置读卡设备',
    faults: '故障提示',
    noFaults: '没有故障',
    versions: '版本',
    versionNames: {
      agent: '程序',
      config: '配置',
      models: '模型',
      roster: '名册',
      protocol: '协议',
    } as Record<string, string>,
    backlog: (n: number) => `待上传 ${n} 条`,
    face: (on: boolean, n?: number) => (on ? `刷脸签到已开通，已登记 ${n ?? 0} 人` : '刷脸签到未开通'),
    cameraTest: '摄像头测试',
    cameraTestHint: '只测试，不记录签到',
    enrol: '人脸登记',
    /** The enrolment sheet's code typed, pasted or typed by a USB scanner (扫码枪). */
    enrolCode: {
      title: '核对登记表',
      hint: '用扫码枪扫登记表上的二维码，或者输入、粘贴二维码里的文字',
      check: '核对',
      empty: '请先扫码或输入登记码',
      invalid: '这段文字不是登记码，请重新扫码或输入',
    },
    faces: (n: number) => `检测到 ${n} 张脸`,
  },
  speech: {
    checkin: (name?: string) => (name ? `${name}，签到成功` : '签到成功'),
    dutyIn: (name?: string) => (name ? `${name}，上班打卡成功` : '上班打卡成功'),
    dutyOut: (name?: string) => (name ? `${name}，下班打卡成功` : '下班打卡成功'),
    repeat: (direction: 'in' | 'out', name?: string) =>
      `${name ? `${name}，` : ''}您已经打过${direction === 'in' ? '上班' : '下班'}卡了`,
    late: (min: number) => `，迟到${min}分钟`,
    early: (min: number) => `，早退${min}分钟`,
    study: (name: string | undefined, done: number) => `${name ?? ''}您今年已学习${done}小时`,
    behind: (h: number) => `，落后${h}小时，请及时参加学习`,
  },
  /** Refusals by the agent's error code; anything unlisted reads `errors.other`. */
  errors: {
    network: '连接本机服务失败，请再试一次',
    faceUnavailable: '本机暂未开通刷脸签到',
    notCadre: '这个编号不是干部，不能办理',
    notOnRoster: '没有找到这个编号，请核对后再输',
    badPin: '密码不对，请再输一次',
    pinLocked: '密码错误次数太多，已锁定 5 分钟',
    witnessPhotoUnknown: '请先拍照留证',
    noConsent: '还没有记录本人同意，请先同意',
    alreadyEnrolled: '这张脸已经登记在别人名下，请找值班干部',
    tooFewCaptures: '照片不够清楚，请重新拍照',
    capturesDisagree: '几张照片不像同一个人，请重新拍照',
    other: '没有办成，请再试一次或找值班干部',
  } as Record<string, string>,
}

export function errorText(code: string): string {
  return zh.errors[code] ?? zh.errors.other ?? ''
}
