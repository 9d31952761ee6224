import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Nothing for occupation-coder here: the README's snippet must work with Vite's defaults.
export default defineConfig({ plugins: [react()] });
