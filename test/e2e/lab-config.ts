// The e2e lab's name and subnet (198.18.1.0/24), apart from a demo lab on 198.18.0.0/24.
// SHOAL_E2E_LAB / SHOAL_E2E_SUBNET run a second suite side by side on another lab.
export const E2E_LAB = process.env['SHOAL_E2E_LAB'] ?? 'e2e';
export const E2E_SUBNET = Number(process.env['SHOAL_E2E_SUBNET'] ?? '1');

/** Engine labels: what constraints match on; node-2 also limits its container slots. */
export const E2E_LABELS = [
  ['storage=ssd', 'zone=a'],
  ['storage=disk', 'zone=b'],
  ['storage=ssd', 'zone=c', 'containerslots=20'],
];
export const E2E_SLOTS = 20;
