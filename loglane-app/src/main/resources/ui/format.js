/** Number formats shared by the pages. */
const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function formatCount(n) {
  return n == null ? '–' : number.format(n);
}

export function formatBytes(n) {
  if (n == null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function formatRate(perSecond) {
  return perSecond == null ? '–' : `${number.format(perSecond)}/s`;
}

/** A time as the user's locale shows it, with milliseconds and the zone named. */
export function formatTime(date) {
  return date.toLocaleTimeString(undefined, {
    hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false, timeZoneName: 'short',
  });
}

