;; closures: map / filter / fold with lambdas (some capturing variables) over a
;; list of 100,000 ints, repeated.  filter, a left fold (f acc x) and a
;; two-list map that stops at the shorter list are defined here, portably.
(define (my-filter pred l)
  (let loop ((l l) (acc '()))
    (cond ((null? l) (reverse acc))
          ((pred (car l)) (loop (cdr l) (cons (car l) acc)))
          (else (loop (cdr l) acc)))))

(define (my-fold f acc l)
  (if (null? l) acc (my-fold f (f acc (car l)) (cdr l))))

(define (map2 f a b)
  (if (or (null? a) (null? b))
      '()
      (cons (f (car a) (car b)) (map2 f (cdr a) (cdr b)))))

(define (make-adder k) (lambda (x) (+ x k)))
(define (make-scaler k) (lambda (x) (* x k)))
(define (compose2 f g) (lambda (x) (f (g x))))

(define (one-round data r)
  (let* ((m (+ 4 (* 3 (remainder r 2))))     ; 4 or 7, coprime to 3
         (step (compose2 (make-adder r) (make-scaler 3)))
         (ys (map step data))
         (zs (my-filter (lambda (y) (= 0 (remainder y m))) ys))
         (pairs (map2 (lambda (a b) (- b a)) zs (cdr zs)))
         (s (my-fold (lambda (acc z) (remainder (+ (* acc 31) z) 1000003)) 0 zs))
         (d (my-fold (lambda (acc p) (+ acc p)) 0 pairs)))
    (+ s d (length zs))))

(define data
  (let loop ((i 99999) (acc '()))
    (if (< i 0) acc (loop (- i 1) (cons i acc)))))

(define (repeat k acc)
  (if (= k 0)
      acc
      (repeat (- k 1) (+ acc (one-round data k)))))

(display "closures ") (display (repeat 100 0)) (newline)
