/** A small matrix for the unit tests: 3 roles x 5 fields over two objects. */
import type { MatrixView } from '../lib/backend';

export function smallView(): MatrixView {
  return {
    revision: 7,
    roles: [
      { id: 'rep', nameZh: '销售代表', nameEn: 'Sales rep', rank: 1, inherits: [], description: '', holders: 12 },
      { id: 'mgr', nameZh: '销售经理', nameEn: 'Sales manager', rank: 3, inherits: ['rep'], description: '', holders: 3 },
      { id: 'fin', nameZh: '财务', nameEn: 'Finance', rank: 2, inherits: [], description: '', holders: 2 },
    ],
    objects: [
      { id: 'customer', nameZh: '客户', nameEn: 'Customer' },
      { id: 'deal', nameZh: '商机', nameEn: 'Deal' },
    ],
    tiers: [
      { id: 'key', rank: 3, nameZh: '重点客户', nameEn: 'Key account' },
      { id: 'std', rank: 1, nameZh: '潜在客户', nameEn: 'Prospect' },
    ],
    fields: [
      { id: 'deal.amount', object: 'deal', labelZh: '金额', labelEn: 'Amount', fieldType: 'amount', sensitivity: 'confidential', mask: 'amount_range', category: 'business' },
      { id: 'customer.name', object: 'customer', labelZh: '客户名称', labelEn: 'Customer name', fieldType: 'name', sensitivity: 'internal', mask: 'name', category: 'basic' },
      { id: 'customer.mobile', object: 'customer', labelZh: '手机号码', labelEn: 'Mobile', fieldType: 'phone', sensitivity: 'confidential', mask: 'mobile', category: 'basic' },
      { id: 'customer.id_card', object: 'customer', labelZh: '身份证号', labelEn: 'ID card', fieldType: 'id_card', sensitivity: 'restricted', mask: 'id_card', category: 'sensitive' },
      { id: 'customer.wechat', object: 'customer', labelZh: '微信号', labelEn: 'WeChat', fieldType: 'text', sensitivity: 'confidential', mask: 'full', category: 'basic' },
    ],
    // rep, mgr, fin
    cells: ['232', '332', '220', '110', '...'],
    gated: [{ field: 3, role: 0, approval: 'read' }],
    policies: [{ role: 'rep', object: 'customer', scope: 'own', maxTier: 'key', actions: ['allow', 'allow', 'allow', 'deny', 'approval', 'deny', 'deny', 'deny'] }],
  };
}
