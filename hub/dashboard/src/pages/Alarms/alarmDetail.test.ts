import { describe, expect, it } from 'vitest'
import { detailText } from './alarmDetail.js'

describe('detailText', () => {
  it('says what a journal integrity alarm found, by kind, with the sequence numbers', () => {
    expect(detailText({ kinds: { badSignature: 2, edited: 1 }, seqs: [5, 13, 3] })).toBe(
      '签名不符（被改动） 2 条；重传内容与原记录不同 1 条；序号 5、13、3',
    )
  })

  it('keeps the known wording of an unmanned station, and compact JSON for the rest', () => {
    expect(detailText({ expected: ['袁娜', '王芳'], kioskOnline: false, backlog: 3 })).toBe(
      '应在岗：袁娜、王芳；一体机离线；积压 3 条',
    )
    expect(detailText({ clockSkewS: -1500 })).toBe('{"clockSkewS":-1500}')
    expect(detailText(null)).toBe('')
  })
})
