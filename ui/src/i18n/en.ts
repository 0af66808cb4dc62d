/** English strings. The Chinese file (zh.ts) must have exactly these keys. */
export const en = {
  app: {
    tagline: 'Customer-information permission matrices',
  },
  nav: {
    label: 'Sections',
    overview: 'Overview',
  },
  header: {
    language: 'Language',
    themeToDark: 'Switch to the dark theme',
    themeToLight: 'Switch to the light theme',
    themeDark: 'Dark',
    themeLight: 'Light',
  },
  status: {
    label: 'Status',
    workspace: 'Workspace:',
    revision: 'Revision {{revision}}',
    opening: 'Opening the workspace…',
    noWorkspace: 'No workspace open',
    mockBackend: 'Mock backend (browser preview)',
  },
  workspace: {
    heading: 'Workspace overview',
    loading: 'Opening the workspace…',
    details: {
      label: 'Workspace details',
      path: 'File',
      revision: 'Current revision',
      createdAt: 'Created',
      createdBy: 'Created by',
      producer: 'Created with',
      id: 'Workspace ID',
    },
    holds: 'What it holds',
    sections: {
      org: 'Organisation',
      catalog: 'Data catalog',
      matrix: 'Permission matrix',
      customers: 'Customer data',
    },
    stats: {
      departments: 'Departments',
      employees: 'Employees',
      roles: 'Roles',
      objects: 'Objects',
      fields: 'Fields',
      tiers: 'Customer tiers',
      cells: 'Decided cells',
      cellsOf: '{{cells}} of {{total}}',
      cellsHint: '{{percent}} of roles × fields decided',
      fieldsToReview: 'Fields to review',
      fieldsToReviewHint: 'Hidden from everyone until someone decides',
      noneToReview: 'Every field is decided',
      policies: 'Row scopes',
      policiesHint: 'Set per role and object',
      guardrails: 'Guardrails',
      grants: 'Temporary grants',
      customers: 'Customers',
    },
  },
  errors: {
    title: 'Could not open the workspace',
    warningTitle: 'Not possible right now',
    code: 'Error code',
    details: 'Details',
    retry: 'Try again',
    codes: {
      notFound: 'Something it refers to does not exist.',
      alreadyExists: 'It exists already.',
      invalidInput: 'The input is malformed or refers to unknown things.',
      notAWorkspace: 'The file is not a permgrid workspace.',
      newerVersion: 'A newer version of permgrid wrote this workspace. Update permgrid to open it.',
      corrupt: 'The workspace file is damaged.',
      preconditionFailed: 'The action is valid, but not possible right now.',
      verificationFailed: 'The policy bundle failed verification (signature, key, digest, validity or serial).',
      wrongPassphrase: 'The passphrase does not open the signing key.',
      io: 'Reading or writing a file failed.',
      internal: 'Something unexpected went wrong.',
    },
  },
};

type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };

/** The shape every language must fill in, key for key. */
export type Messages = DeepStrings<typeof en>;
