import { useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { BackendError, type CsvKind, type EditReport, type ImportPreview, type ImportProgress, importCsv, previewCsv, saveCsv, toBackendError } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { Modal } from '../shared/Modal';

/** The CSV kinds a screen offers, in its own words. */
export type OrgCsvKind = Extract<CsvKind, 'departments' | 'employees' | 'roles' | 'objects' | 'tiers' | 'fields' | 'customers'>;

/** An honest progress bar: the stage the engine reports and how far into it (bytes, then rows). */
function Progress({ progress }: { progress: ImportProgress | null }) {
  const { t } = useTranslation();
  if (progress === null) return null;
  const percent = progress.total === 0 ? 100 : Math.floor((progress.done / progress.total) * 100);
  const stage = t(`orgcat.csv.stage.${progress.stage}`);
  return (
    <div className="orgcat-progress" data-testid="csv-progress" data-stage={progress.stage}>
      <label>
        {t('orgcat.csv.progress', { stage, percent })}
        <progress max={progress.total === 0 ? 1 : progress.total} value={progress.total === 0 ? 1 : progress.done} />
      </label>
    </div>
  );
}

function PreviewTable({ preview }: { preview: ImportPreview }) {
  const { t } = useTranslation();
  const err = preview.error;
  return (
    <section className="orgcat-preview" aria-labelledby="csv-preview-title" data-testid="csv-preview">
      <h3 id="csv-preview-title" className="modal-subtitle">
        {t('orgcat.csv.previewTitle')}
      </h3>
      <p data-testid="csv-counts">
        {t('orgcat.csv.rows', { count: preview.rows })}
        {err === null && ` · ${t('orgcat.csv.counts', preview)}`}
      </p>
      {err !== null && (
        <div className="notice notice-error orgcat-csv-error" role="alert" data-testid="csv-error" data-line={err.line}>
          <h4 className="notice-title">{t('orgcat.csv.errorTitle')}</h4>
          <p>
            <strong data-testid="csv-error-where">
              {err.line === 0
                ? t('orgcat.csv.errorFile')
                : err.column === null
                  ? t('orgcat.csv.errorAt', { line: err.line })
                  : t('orgcat.csv.errorAtColumn', { line: err.line, column: err.column, name: err.columnName ?? '' })}
            </strong>
            {': '}
            <span>{err.reason}</span>
          </p>
          <code className="notice-message" data-testid="csv-error-message">
            {err.message}
          </code>
        </div>
      )}
      {preview.headers.length > 0 && (
        <div className="orgcat-table-scroll">
          <table className="panel-table orgcat-sample">
            <caption className="visually-hidden">{t('orgcat.csv.sample')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('orgcat.csv.line')}</th>
                {preview.headers.map((h, i) => (
                  <th key={i} scope="col" className={err?.column === i + 1 ? 'orgcat-bad' : undefined}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.sample.map((row) => (
                <tr key={row.line} className={err?.line === row.line ? 'orgcat-bad-row' : undefined} data-testid={`csv-sample-${row.line}`}>
                  <th scope="row" className="mono">
                    {row.line}
                  </th>
                  {row.cells.map((c, i) => (
                    <td key={i} className={err?.line === row.line && err.column === i + 1 ? 'orgcat-bad' : undefined}>
                      {c}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * The text of a chosen file. A file that is not valid UTF-8 is refused with `message` rather
 * than decoded with replacement characters, which would import garbled names.
 */
export async function readUtf8(f: Blob, message: string): Promise<string> {
  const bytes = await f.arrayBuffer();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BackendError('invalidInput', message);
  }
}

/** Choose a file, see what it would do (or where it is wrong), then import it in one go. */
export function ImportDialog({ kind, onClose, onImported }: { kind: OrgCsvKind; onClose: () => void; onImported: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [phase, setPhase] = useState<'choose' | 'reading' | 'checking' | 'ready' | 'importing' | 'done'>('choose');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [problem, setProblem] = useState<BackendError | null>(null);
  const [report, setReport] = useState<EditReport | null>(null);
  const fileName = t(`orgcat.csv.kinds.${kind}`);

  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (f === undefined) return;
    setPreview(null);
    setProblem(null);
    setReport(null);
    setPhase('reading');
    readUtf8(f, t('orgcat.csv.notUtf8', { file: f.name })).then(
      (text) => {
        setFile({ name: f.name, text });
        setPhase('checking');
        setProgress(null);
        return previewCsv(kind, f.name, text, setProgress).then((p) => {
          setPreview(p);
          setPhase('ready');
        });
      },
    ).catch((reason: unknown) => {
      setProblem(toBackendError(reason));
      setPhase('choose');
    });
  };

  const doImport = () => {
    if (file === null) return;
    setPhase('importing');
    setProgress(null);
    importCsv(kind, file.name, file.text, setProgress).then(
      (r) => {
        setReport(r);
        setPhase('done');
        onImported();
      },
      (reason: unknown) => {
        setProblem(toBackendError(reason));
        setPhase('ready');
      },
    );
  };

  const canImport = phase === 'ready' && preview !== null && preview.error === null;
  return (
    <Modal title={t('orgcat.csv.title', { file: fileName })} onClose={onClose} testId="csv-import-dialog">
      <div className="form">
        <label>
          {t('orgcat.csv.choose')}
          <input type="file" accept=".csv,text/csv" onChange={choose} data-testid="csv-file" disabled={phase === 'importing' || phase === 'checking'} />
        </label>
        <p className="form-hint">{t('orgcat.csv.chooseHint')}</p>
        {phase === 'reading' && <p aria-live="polite">{t('orgcat.csv.reading')}</p>}
        {(phase === 'checking' || phase === 'importing') && <Progress progress={progress} />}
        {preview !== null && <PreviewTable preview={preview} />}
        {problem !== null && <ErrorNotice error={problem} title={t('errors.actionTitle')} />}
        {report !== null && (
          <p className="orgcat-done" role="status" data-testid="csv-done">
            {report.revision === null ? t('orgcat.csv.done', { changed: report.changed }) : t('orgcat.csv.doneRevision', { changed: report.changed, revision: report.revision })}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button button-quiet" onClick={onClose} data-close data-testid="csv-close">
            {phase === 'done' ? t('orgcat.csv.close') : t('orgcat.cancel')}
          </button>
          {phase !== 'done' && (
            <button type="button" className="button" disabled={!canImport} onClick={doImport} data-testid="csv-confirm">
              {phase === 'importing' ? t('orgcat.csv.importing') : t('orgcat.csv.confirm')}
            </button>
          )}
        </div>
      </div>
    </Modal>
  );
}

/** A screen's CSV controls: which file, import (with preview) and export. */
export function CsvTools({ kinds, onImported }: { kinds: readonly OrgCsvKind[]; onImported: () => void }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<OrgCsvKind>(kinds[0] ?? 'employees');
  const [importing, setImporting] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [problem, setProblem] = useState<BackendError | null>(null);
  const doExport = () => {
    setProblem(null);
    // The shell writes the file (a new one in the downloads folder) and says where: a webview
    // download would land wherever the webview decides, without telling anyone.
    saveCsv(kind).then(
      (path) => {
        setMessage(t('orgcat.csv.saved', { file: `${kind}.csv`, path }));
      },
      (reason: unknown) => { setProblem(toBackendError(reason)); },
    );
  };
  return (
    <div className="orgcat-csv" role="group" aria-label={t('orgcat.csv.label')}>
      <label className="toolbar-field">
        {t('orgcat.csv.kind')}
        <select value={kind} onChange={(e) => { setKind(e.target.value as OrgCsvKind); setMessage(null); }} data-testid="csv-kind">
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`orgcat.csv.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="button button-quiet" onClick={() => { setImporting(true); }} data-testid="csv-import">
        {t('orgcat.csv.import')}
      </button>
      <button type="button" className="button button-quiet" onClick={doExport} data-testid="csv-export">
        {t('orgcat.csv.export')}
      </button>
      {message !== null && <span role="status" className="form-hint" data-testid="csv-message">{message}</span>}
      {problem !== null && <ErrorNotice error={problem} title={t('errors.actionTitle')} />}
      {importing && <ImportDialog kind={kind} onClose={() => { setImporting(false); }} onImported={onImported} />}
    </div>
  );
}
