/** The permgrid mark (a 3x3 matrix, as in assets/icon.svg), decorative. */
export function Logo() {
  const colours = ['#2e8b57', '#4a90d9', '#e0a526', '#4a90d9', '#e0a526', '#5b6b7f', '#e0a526', '#5b6b7f', '#5b6b7f'];
  return (
    <svg className="logo" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <rect x="0" y="0" width="24" height="24" rx="5" fill="#1f3a5f" />
      {colours.map((fill, i) => (
        <rect key={i} x={3.5 + (i % 3) * 6} y={3.5 + Math.floor(i / 3) * 6} width="5" height="5" rx="1" fill={fill} />
      ))}
    </svg>
  );
}
