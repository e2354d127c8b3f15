/** The bundled sample photos (public/samples/, attribution in SOURCES.md there). */
export interface Sample {
  id: string;
  file: string;
  title: string;
  credit: string;
}

export const SAMPLES: readonly Sample[] = [
  { id: 'coffee', file: 'coffee.png', title: 'Espresso', credit: 'Rachel Michetti, CC0 (courtesy of Pikolo Espresso Bar)' },
  { id: 'chelsea', file: 'chelsea.png', title: 'Cat', credit: 'Stefan van der Walt, CC0' },
  { id: 'rocket', file: 'rocket.jpg', title: 'Rocket', credit: 'SpaceX, public domain' },
  { id: 'astronaut', file: 'astronaut.png', title: 'Astronaut', credit: 'NASA, public domain' },
];

export function sampleUrl(sample: Sample): string {
  return new URL(`samples/${sample.file}`, document.baseURI).href;
}
