import { useState } from 'react';
import 'occupation-coder/osca2024'; // defines <occupation-coder> with the OSCA 2024 pack
export function JobQuestion({ onCoded }) {
  const [code, setCode] = useState('');
  return (
    <>
      <occupation-coder name="occupation" classification="osca2024" required
        onChange={(e) => setCode(e.target.value)}
        onoccupation-select={(e) => onCoded?.(e.detail)} />
      <output>{code}</output>
    </>
  );
}
