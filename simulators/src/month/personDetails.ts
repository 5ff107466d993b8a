import { createHash } from 'node:crypto'
import { seededRandom, seedOf } from '../fleet/random.js'

// Common surnames and given-name characters of rural Zhejiang, so a seeded roster reads like one.
const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢钟陆汪金石方邵龚严',
]
const GIVEN = [
  ...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红春梅海燕玉德文荣忠林根宝福祥凤珍云',
]

/** A Chinese name for a roster id: the same id always gets the same name. */
export function personName(personId: string): string {
  const rand = seededRandom(seedOf(`name:${personId}`))
  const pick = (xs: readonly string[]) => xs[Math.floor(rand() * xs.length)] as string
  const surname = pick(SURNAMES)
  return rand() < 0.7 ? `${surname}${pick(GIVEN)}${pick(GIVEN)}` : `${surname}${pick(GIVEN)}`
}

/**
 * The EM4100 card a person carries, as the reader reports it (10 hex digits), derived from
 * the roster id: stable across runs, and 40 bits make a clash within a village unlikely.
 */
export function cardNumberOf(personId: string): string {
  return createHash('sha256').update(`card:${personId}`).digest('hex').slice(0, 10).toUpperCase()
}
