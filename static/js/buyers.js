// Match reasons: each factor's contribution drawn as a bar (widths from data-value, 0..1).
document.querySelectorAll(".reasons .bar[data-value]").forEach((bar) => {
  const value = Math.max(0, Math.min(1, parseFloat(bar.dataset.value) || 0));
  bar.style.width = `${Math.round(value * 12 * 4) / 4}rem`;
});
