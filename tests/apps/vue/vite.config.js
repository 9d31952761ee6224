import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The README's Vue set-up: only telling Vue's compiler that <occupation-coder> is a custom
// element (nothing for the bundler).
export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'occupation-coder' } } })],
});
