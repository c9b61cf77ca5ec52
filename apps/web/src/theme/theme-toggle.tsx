import type { Theme } from '../layout/layout.ts';

export function ThemeToggle({ value, onChange }: { value: Theme; onChange: (theme: Theme) => void }) {
  return (
    <button
      type="button"
      onClick={() => onChange(value === 'dark' ? 'light' : 'dark')}
      aria-label={`Switch to ${value === 'dark' ? 'light' : 'dark'} theme`}
    >
      {value === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
