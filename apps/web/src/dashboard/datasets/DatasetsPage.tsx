import { formatBytes } from "../../donor/format.ts";
import { useApi } from "../api/useApi.ts";
import { Notice } from "../components/Notice.tsx";
import { formatTime } from "../components/formatTime.ts";
import { Link } from "../shell/Link.tsx";
import { routePath } from "../shell/parseRoute.ts";
import { UploadForm } from "./UploadForm.tsx";

/** The datasets on the coordinator, and the upload form. */
export function DatasetsPage() {
  const { data: datasets, error, loading, reload } = useApi((client) => client.listDatasets(), []);
  return (
    <>
      <div className="page-head">
        <h1>Datasets</h1>
      </div>
      <UploadForm onUploaded={reload} />
      {error && <Notice kind="error">Cannot list datasets: {error}</Notice>}
      {!datasets && loading && <Notice kind="loading">Loading datasets…</Notice>}
      {datasets && datasets.length === 0 && <Notice kind="empty">No datasets yet. Upload a CSV above, or pick a template on New job: it brings the bundled S&amp;P 500 sample.</Notice>}
      {datasets && datasets.length > 0 && (
        <div className="table-scroll">
          <table className="data" data-testid="datasets-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Series</th>
                <th>Rows</th>
                <th>Columns</th>
                <th>Size</th>
                <th>Uploaded</th>
              </tr>
            </thead>
            <tbody>
              {[...datasets].reverse().map((dataset) => (
                <tr key={dataset.id}>
                  <td>
                    <Link to={routePath({ page: "dataset", id: dataset.id })}>{dataset.name}</Link> <code className="muted">{dataset.id}</code>
                  </td>
                  <td className="num">{dataset.seriesCount}</td>
                  <td className="num">{dataset.rows}</td>
                  <td>{dataset.columns.join(", ")}</td>
                  <td className="num">{formatBytes(dataset.bytes)}</td>
                  <td>{dataset.createdAt ? formatTime(dataset.createdAt) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
