#!/usr/bin/env node
// Writes qingshan-district.csv: the fictional 青山区 (code 339901) with 15 towns and 517
// village stations, in the columns a county office sends. Deterministic, so the file
// only changes when this script does. Run: node make-sample-district.mjs > qingshan-district.csv
const towns = [
  ['城关镇', 38],
  ['新华街道', 22],
  ['凤凰街道', 24],
  ['东坝镇', 36],
  ['青石镇', 35],
  ['柳河镇', 37],
  ['桃源镇', 36],
  ['白沙镇', 34],
  ['龙泉镇', 39],
  ['金山镇', 35],
  ['双河镇', 37],
  ['石桥镇', 34],
  ['南湖镇', 35],
  ['清水镇', 36],
  ['马家堡镇', 39],
]
const surnames =
  '张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'
const places = [
  '家庄',
  '家湾',
  '家坪',
  '家岭',
  '家沟',
  '家店',
  '家营',
  '家河',
  '家寨',
  '家集',
  '家桥',
  '家洼',
  '家塘',
  '家坝',
  '家堡',
]
const nature = [
  '河口',
  '杨柳',
  '新建',
  '红星',
  '光明',
  '团结',
  '胜利',
  '前进',
  '和平',
  '丰收',
  '兴旺',
  '长青',
  '青山',
  '白云',
  '东风',
  '朝阳',
  '向阳',
  '幸福',
  '太平',
  '永安',
  '长乐',
  '富民',
  '双庙',
  '三里',
  '五里',
  '七星',
  '九龙',
  '石门',
  '龙潭',
  '梨园',
  '桃花',
  '竹林',
  '松林',
  '枫树',
  '荷塘',
  '花园',
  '茶园',
  '果园',
  '古城',
  '新村',
  '大湾',
  '小河',
  '南岗',
  '北坡',
  '西沟',
  '东岭',
  '上坝',
  '下坝',
  '中心',
  '金星',
]
const given = [
  '建国',
  '建华',
  '国强',
  '秀英',
  '桂兰',
  '志强',
  '海燕',
  '红梅',
  '德明',
  '玉兰',
  '春生',
  '卫东',
  '晓东',
  '丽萍',
  '永红',
  '军',
  '伟',
  '芳',
  '敏',
  '静',
  '磊',
  '洋',
  '勇',
  '艳',
  '杰',
  '涛',
  '明',
  '超',
  '霞',
  '平',
]

// a small linear congruential generator: the sample must not change between runs
let state = 20261127
const rand = (n) => {
  state = (state * 1103515245 + 12345) % 2147483648
  return state % n
}

const used = new Set()
const villageName = (isStreet) => {
  for (;;) {
    const stem =
      rand(3) === 0
        ? nature[rand(nature.length)]
        : surnames[rand(surnames.length)] + places[rand(places.length)]
    const name = stem + (isStreet ? (rand(4) === 0 ? '村' : '社区') : rand(12) === 0 ? '社区' : '村')
    if (!used.has(name)) {
      used.add(name)
      return name
    }
  }
}

const lines = ['镇/街道,村/社区,站点编码,联系人,联系电话']
towns.forEach(([town, count], t) => {
  const townCode = `339901${String(t + 1).padStart(3, '0')}`
  for (let v = 1; v <= count; v++) {
    const contact = surnames[rand(surnames.length)] + given[rand(given.length)]
    const phone = `139${String(rand(100000000)).padStart(8, '0')}`
    lines.push(
      [
        town,
        villageName(town.endsWith('街道')),
        `${townCode}${String(v).padStart(3, '0')}`,
        contact,
        phone,
      ].join(','),
    )
  }
})
process.stdout.write(`${lines.join('\n')}\n`)
