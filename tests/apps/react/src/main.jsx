// The test app around the README's React snippet (src/JobQuestion.jsx, verbatim): a form,
// and the last occupation-select detail shown for the test to read.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { JobQuestion } from './JobQuestion.jsx';

function App() {
  const [coded, setCoded] = useState(null);
  return (
    <form id="survey" onSubmit={(e) => e.preventDefault()}>
      <JobQuestion onCoded={setCoded} />
      <pre id="coded">{coded ? `${coded.code} ${coded.label}` : ''}</pre>
      <button>Continue</button>
    </form>
  );
}

createRoot(document.getElementById('root')).render(<StrictMode><App /></StrictMode>);
